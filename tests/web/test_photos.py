"""A phone photo over the upload limit is made smaller, upright and without its metadata."""

from __future__ import annotations

import io

from PIL import Image

from gateway.web.photos import MAX_PIXELS, reduce_photo


def _photo(size: tuple[int, int], *, orientation: int | None = None, fmt: str = "JPEG") -> bytes:
    shades = Image.linear_gradient("L").resize(size).convert("RGB")
    grain = Image.effect_noise(size, 40).convert("RGB")
    picture = Image.blend(shades, grain, 0.25)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = orientation or 1  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make: metadata that must not survive
    picture.save(out, format=fmt, quality=95, exif=exif.tobytes()) if fmt == "JPEG" else picture.save(
        out, format=fmt
    )
    return out.getvalue()


def test_a_large_photo_comes_out_under_the_limit_as_a_jpeg() -> None:
    data = _photo((2400, 3200))
    reduced = reduce_photo(data, 300_000)
    assert len(reduced) <= 300_000 < len(data)
    with Image.open(io.BytesIO(reduced)) as picture:
        assert picture.format == "JPEG" and max(picture.size) <= 2000
        assert not picture.getexif()  # no camera, no position


def test_a_sideways_photo_is_turned_upright() -> None:
    """Orientation 6 (the phone held upright, the sensor on its side) comes out taller than wide."""
    reduced = reduce_photo(_photo((3200, 2400), orientation=6), 300_000)
    with Image.open(io.BytesIO(reduced)) as picture:
        assert picture.height > picture.width


def test_a_png_screenshot_is_made_smaller_too() -> None:
    data = _photo((2400, 2400), fmt="PNG")
    assert len(reduce_photo(data, 400_000)) <= 400_000 < len(data)


def test_what_fits_or_is_no_photo_is_left_alone() -> None:
    small = _photo((200, 200))
    assert reduce_photo(small, 1_000_000) is small
    pdf = b"%PDF-1.7\n" + b"0" * 5000
    assert reduce_photo(pdf, 100) is pdf
    broken = b"\xff\xd8\xff" + b"\x00" * 5000  # says JPEG, is not one
    assert reduce_photo(broken, 100) is broken


def test_a_picture_of_too_many_pixels_is_not_unpacked() -> None:
    """A small file declaring a huge picture (a decompression bomb) is returned as it came, for the
    store to refuse; the server never unpacks it."""
    side = int(MAX_PIXELS**0.5) + 100
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")
    data = out.getvalue()
    assert reduce_photo(data, 100) is data
