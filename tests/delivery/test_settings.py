"""The settings of delivery and egress, read from the environment as an operator writes them."""

from __future__ import annotations

import ipaddress

import pytest

from gateway.settings import Settings, SettingsError


def test_nothing_is_reachable_until_the_operators_allow_it() -> None:
    for environ in ({}, {"SEVA_DEMO": "1"}):
        policy = Settings.from_env(environ).egress_policy
        assert not policy
        assert policy.refusal("transport.mp.gov.in", ipaddress.ip_address("8.8.8.8"))


def test_the_allow_list_takes_networks_and_host_names() -> None:
    settings = Settings.from_env({"SEVA_EGRESS_ALLOW": "10.20.0.0/16, *.mp.gov.in  127.0.0.1"})
    policy = settings.egress_policy
    assert [str(n) for n in policy.networks] == ["10.20.0.0/16", "127.0.0.1/32"]
    assert policy.hosts == ("*.mp.gov.in",)
    assert policy.refusal("x", ipaddress.ip_address("10.20.3.4")) is None


@pytest.mark.parametrize("value", ["0.0.0.0/0", "http://transport.mp.gov.in/", "10.0.0.0/33"])
def test_an_allow_list_that_cannot_be_used_stops_the_start_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError, match="SEVA_EGRESS_ALLOW"):
        Settings.from_env({"SEVA_EGRESS_ALLOW": value})


def test_concurrency_per_department() -> None:
    assert Settings.from_env({}).delivery_concurrency == 16
    assert Settings.from_env({"SEVA_DELIVERY_CONCURRENCY": "4"}).delivery_concurrency == 4
    with pytest.raises(SettingsError):
        Settings.from_env({"SEVA_DELIVERY_CONCURRENCY": "0"})
