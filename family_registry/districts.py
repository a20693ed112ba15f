"""The 55 districts of Madhya Pradesh, with what synthetic families are drawn from.

Populations are Census 2011 figures in lakhs, with the districts formed since (Niwari 2018; Maihar,
Mauganj and Pandhurna 2023) carved out of their parents. Urban, ST and SC shares are rounded Census 2011
shares. ``pvtg`` names the particularly vulnerable tribal group that lives there, with its share of the
district's ST families. The codes are those of ``catalogue.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DISTRICTS", "District"]


@dataclass(frozen=True, slots=True)
class District:
    code: str
    en: str
    hi: str
    population_lakh: float
    urban: float
    st: float
    sc: float
    pvtg: str | None = None
    pvtg_share: float = 0.0


_d = District


DISTRICTS: tuple[District, ...] = (
    _d("agar_malwa", "Agar Malwa", "आगर मालवा", 5.7, 0.18, 0.03, 0.25),
    _d("alirajpur", "Alirajpur", "अलीराजपुर", 7.3, 0.08, 0.89, 0.04),
    _d("anuppur", "Anuppur", "अनूपपुर", 7.5, 0.27, 0.48, 0.10, "baiga", 0.10),
    _d("ashoknagar", "Ashoknagar", "अशोकनगर", 8.5, 0.20, 0.09, 0.20, "sahariya", 0.75),
    _d("balaghat", "Balaghat", "बालाघाट", 17.0, 0.14, 0.22, 0.07, "baiga", 0.15),
    _d("barwani", "Barwani", "बड़वानी", 13.9, 0.15, 0.69, 0.06),
    _d("betul", "Betul", "बैतूल", 15.8, 0.21, 0.42, 0.10),
    _d("bhind", "Bhind", "भिंड", 17.0, 0.24, 0.004, 0.22, "sahariya", 0.60),
    _d("bhopal", "Bhopal", "भोपाल", 23.7, 0.81, 0.03, 0.15),
    _d("burhanpur", "Burhanpur", "बुरहानपुर", 7.6, 0.35, 0.31, 0.08),
    _d("chhatarpur", "Chhatarpur", "छतरपुर", 17.6, 0.22, 0.04, 0.23),
    _d("chhindwara", "Chhindwara", "छिंदवाड़ा", 15.4, 0.24, 0.37, 0.11, "bharia", 0.08),
    _d("damoh", "Damoh", "दमोह", 12.6, 0.20, 0.13, 0.19),
    _d("datia", "Datia", "दतिया", 7.9, 0.23, 0.02, 0.25, "sahariya", 0.70),
    _d("dewas", "Dewas", "देवास", 15.6, 0.29, 0.18, 0.19),
    _d("dhar", "Dhar", "धार", 21.9, 0.19, 0.56, 0.07),
    _d("dindori", "Dindori", "डिंडौरी", 7.0, 0.05, 0.65, 0.06, "baiga", 0.15),
    _d("guna", "Guna", "गुना", 12.4, 0.24, 0.16, 0.15, "sahariya", 0.70),
    _d("gwalior", "Gwalior", "ग्वालियर", 20.3, 0.63, 0.04, 0.19, "sahariya", 0.80),
    _d("harda", "Harda", "हरदा", 5.7, 0.21, 0.28, 0.16),
    _d("indore", "Indore", "इंदौर", 32.8, 0.74, 0.07, 0.17),
    _d("jabalpur", "Jabalpur", "जबलपुर", 24.6, 0.58, 0.15, 0.14),
    _d("jhabua", "Jhabua", "झाबुआ", 10.3, 0.09, 0.87, 0.02),
    _d("katni", "Katni", "कटनी", 12.9, 0.22, 0.25, 0.12),
    _d("khandwa", "Khandwa", "खंडवा", 13.1, 0.24, 0.35, 0.12),
    _d("khargone", "Khargone", "खरगोन", 18.7, 0.15, 0.39, 0.11),
    _d("maihar", "Maihar", "मैहर", 9.0, 0.15, 0.15, 0.17),
    _d("mandla", "Mandla", "मंडला", 10.5, 0.12, 0.58, 0.05, "baiga", 0.08),
    _d("mandsaur", "Mandsaur", "मंदसौर", 13.4, 0.21, 0.03, 0.19),
    _d("mauganj", "Mauganj", "मऊगंज", 8.7, 0.08, 0.13, 0.16),
    _d("morena", "Morena", "मुरैना", 19.7, 0.22, 0.01, 0.21, "sahariya", 0.85),
    _d("narmadapuram", "Narmadapuram", "नर्मदापुरम", 12.4, 0.30, 0.16, 0.16),
    _d("narsinghpur", "Narsinghpur", "नरसिंहपुर", 10.9, 0.18, 0.13, 0.17),
    _d("neemuch", "Neemuch", "नीमच", 8.3, 0.30, 0.09, 0.13),
    _d("niwari", "Niwari", "निवाड़ी", 4.0, 0.19, 0.05, 0.24),
    _d("pandhurna", "Pandhurna", "पांढुर्णा", 5.5, 0.20, 0.37, 0.11),
    _d("panna", "Panna", "पन्ना", 10.2, 0.12, 0.17, 0.20),
    _d("raisen", "Raisen", "रायसेन", 13.3, 0.22, 0.16, 0.17),
    _d("rajgarh", "Rajgarh", "राजगढ़", 15.5, 0.18, 0.03, 0.19),
    _d("ratlam", "Ratlam", "रतलाम", 14.5, 0.30, 0.28, 0.13),
    _d("rewa", "Rewa", "रीवा", 14.9, 0.20, 0.13, 0.16),
    _d("sagar", "Sagar", "सागर", 23.8, 0.30, 0.09, 0.21),
    _d("satna", "Satna", "सतना", 13.3, 0.25, 0.14, 0.18),
    _d("sehore", "Sehore", "सीहोर", 13.1, 0.19, 0.11, 0.22),
    _d("seoni", "Seoni", "सिवनी", 13.8, 0.12, 0.38, 0.10),
    _d("shahdol", "Shahdol", "शहडोल", 10.7, 0.19, 0.45, 0.08, "baiga", 0.12),
    _d("shajapur", "Shajapur", "शाजापुर", 9.4, 0.20, 0.03, 0.23),
    _d("sheopur", "Sheopur", "श्योपुर", 6.9, 0.15, 0.23, 0.15, "sahariya", 0.90),
    _d("shivpuri", "Shivpuri", "शिवपुरी", 17.3, 0.17, 0.13, 0.19, "sahariya", 0.85),
    _d("sidhi", "Sidhi", "सीधी", 11.3, 0.08, 0.27, 0.12),
    _d("singrauli", "Singrauli", "सिंगरौली", 11.8, 0.20, 0.33, 0.14),
    _d("tikamgarh", "Tikamgarh", "टीकमगढ़", 10.4, 0.17, 0.05, 0.25),
    _d("ujjain", "Ujjain", "उज्जैन", 19.9, 0.39, 0.03, 0.26),
    _d("umaria", "Umaria", "उमरिया", 6.4, 0.17, 0.47, 0.09, "baiga", 0.20),
    _d("vidisha", "Vidisha", "विदिशा", 14.6, 0.24, 0.05, 0.20, "sahariya", 0.30),
)
