"""Names for synthetic members, each in English and in Devanagari, with surnames by social group.

Given names come in two generations (older members, born before about 1990, and younger ones), so a
grandmother is a Kamla and her granddaughter an Ananya.
"""

from __future__ import annotations

__all__ = [
    "FEMALE",
    "MALE",
    "MUSLIM_FEMALE",
    "MUSLIM_MALE",
    "MUSLIM_SURNAMES",
    "ST_REGIONS",
    "ST_SURNAMES",
    "SURNAMES",
    "TRIBE_SURNAMES",
    "VILLAGE_ENDS",
    "VILLAGE_STARTS",
]

Name = tuple[str, str]

MALE: dict[str, tuple[Name, ...]] = {
    "older": (
        ("Ramesh", "रमेश"), ("Suresh", "सुरेश"), ("Mahesh", "महेश"), ("Rajesh", "राजेश"), ("Dinesh", "दिनेश"),
        ("Mukesh", "मुकेश"), ("Santosh", "संतोष"), ("Manoj", "मनोज"), ("Anil", "अनिल"), ("Sunil", "सुनील"),
        ("Rakesh", "राकेश"), ("Ramprasad", "रामप्रसाद"), ("Mohan", "मोहन"), ("Kailash", "कैलाश"),
        ("Ramcharan", "रामचरण"), ("Babulal", "बाबूलाल"), ("Kamal", "कमल"), ("Prakash", "प्रकाश"),
        ("Jagdish", "जगदीश"), ("Lakhan", "लखन"), ("Narendra", "नरेंद्र"), ("Govind", "गोविंद"),
        ("Dharmendra", "धर्मेंद्र"), ("Harish", "हरीश"), ("Kishore", "किशोर"), ("Mangal", "मंगल"),
        ("Naresh", "नरेश"), ("Omprakash", "ओमप्रकाश"), ("Sohan", "सोहन"), ("Tulsiram", "तुलसीराम"),
        ("Umesh", "उमेश"), ("Virendra", "वीरेंद्र"), ("Shivraj", "शिवराज"), ("Gopal", "गोपाल"),
        ("Hariram", "हरिराम"), ("Bhagirath", "भागीरथ"), ("Chhotelal", "छोटेलाल"), ("Devilal", "देवीलाल"),
    ),
    "younger": (
        ("Rahul", "राहुल"), ("Amit", "अमित"), ("Rohit", "रोहित"), ("Vikas", "विकास"), ("Ankit", "अंकित"),
        ("Arjun", "अर्जुन"), ("Aryan", "आर्यन"), ("Aditya", "आदित्य"), ("Krishna", "कृष्णा"), ("Deepak", "दीपक"),
        ("Pawan", "पवन"), ("Sachin", "सचिन"), ("Shubham", "शुभम"), ("Vivek", "विवेक"), ("Yash", "यश"),
        ("Ravi", "रवि"), ("Pradeep", "प्रदीप"), ("Sanjay", "संजय"), ("Ajay", "अजय"), ("Vijay", "विजय"),
        ("Abhishek", "अभिषेक"), ("Harsh", "हर्ष"), ("Nikhil", "निखिल"), ("Ritik", "रितिक"), ("Sumit", "सुमित"),
        ("Gaurav", "गौरव"), ("Ayush", "आयुष"), ("Kartik", "कार्तिक"), ("Lucky", "लकी"), ("Om", "ओम"),
        ("Dev", "देव"), ("Vansh", "वंश"), ("Kunal", "कुणाल"), ("Mayank", "मयंक"), ("Raju", "राजू"),
    ),
}  # fmt: skip

FEMALE: dict[str, tuple[Name, ...]] = {
    "older": (
        ("Sita", "सीता"), ("Gita", "गीता"), ("Sunita", "सुनीता"), ("Anita", "अनीता"), ("Kamla", "कमला"),
        ("Shanti", "शांति"), ("Savitri", "सावित्री"), ("Rekha", "रेखा"), ("Radha", "राधा"), ("Laxmi", "लक्ष्मी"),
        ("Meena", "मीना"), ("Pushpa", "पुष्पा"), ("Urmila", "उर्मिला"), ("Kiran", "किरण"), ("Saroj", "सरोज"),
        ("Manju", "मंजू"), ("Sarita", "सरिता"), ("Rani", "रानी"), ("Mamta", "ममता"), ("Ramkali", "रामकली"),
        ("Parvati", "पार्वती"), ("Durga", "दुर्गा"), ("Bhagwati", "भगवती"), ("Rukmini", "रुक्मिणी"),
        ("Lalita", "ललिता"), ("Sushila", "सुशीला"), ("Kalpana", "कल्पना"), ("Vandana", "वंदना"),
        ("Kusum", "कुसुम"), ("Shakuntala", "शकुंतला"), ("Phoolbai", "फूलबाई"), ("Dhaniya", "धनिया"),
    ),
    "younger": (
        ("Poonam", "पूनम"), ("Pooja", "पूजा"), ("Priya", "प्रिया"), ("Neha", "नेहा"), ("Kavita", "कविता"),
        ("Jyoti", "ज्योति"), ("Anjali", "अंजलि"), ("Komal", "कोमल"), ("Khushi", "खुशी"), ("Sakshi", "साक्षी"),
        ("Shivani", "शिवानी"), ("Muskan", "मुस्कान"), ("Aarti", "आरती"), ("Sapna", "सपना"), ("Nisha", "निशा"),
        ("Ritu", "रितु"), ("Divya", "दिव्या"), ("Ananya", "अनन्या"), ("Riya", "रिया"), ("Shraddha", "श्रद्धा"),
        ("Rinki", "रिंकी"), ("Sonam", "सोनम"), ("Mahima", "महिमा"), ("Palak", "पलक"), ("Tanu", "तनु"),
        ("Bharti", "भारती"), ("Preeti", "प्रीति"), ("Rashmi", "रश्मि"), ("Deepika", "दीपिका"),
        ("Kajal", "काजल"),
    ),
}  # fmt: skip

MUSLIM_MALE: tuple[Name, ...] = (
    ("Imran", "इमरान"), ("Salim", "सलीम"), ("Rafiq", "रफ़ीक"), ("Aslam", "असलम"), ("Irfan", "इरफ़ान"),
    ("Javed", "जावेद"), ("Shahid", "शाहिद"), ("Arif", "आरिफ़"), ("Faizan", "फ़ैज़ान"), ("Ayaan", "अयान"),
)  # fmt: skip
MUSLIM_FEMALE: tuple[Name, ...] = (
    ("Shabana", "शबाना"), ("Nasreen", "नसरीन"), ("Rukhsana", "रुख़साना"), ("Farzana", "फ़रज़ाना"),
    ("Salma", "सलमा"), ("Shabnam", "शबनम"), ("Ayesha", "आयशा"), ("Zoya", "ज़ोया"), ("Alfiya", "अल्फ़िया"),
)  # fmt: skip
MUSLIM_SURNAMES: tuple[Name, ...] = (
    ("Khan", "खान"), ("Qureshi", "कुरैशी"), ("Ansari", "अंसारी"), ("Sheikh", "शेख"), ("Mansuri", "मंसूरी"),
)  # fmt: skip

SURNAMES: dict[str, tuple[Name, ...]] = {
    "general": (
        ("Sharma", "शर्मा"), ("Mishra", "मिश्रा"), ("Tiwari", "तिवारी"), ("Dubey", "दुबे"), ("Pandey", "पांडे"),
        ("Shukla", "शुक्ला"), ("Chaturvedi", "चतुर्वेदी"), ("Thakur", "ठाकुर"), ("Singh", "सिंह"),
        ("Chauhan", "चौहान"), ("Rathore", "राठौर"), ("Jain", "जैन"), ("Agrawal", "अग्रवाल"), ("Gupta", "गुप्ता"),
        ("Shrivastava", "श्रीवास्तव"), ("Saxena", "सक्सेना"), ("Tomar", "तोमर"), ("Bhadoria", "भदौरिया"),
    ),
    "obc": (
        ("Yadav", "यादव"), ("Patel", "पटेल"), ("Kushwaha", "कुशवाहा"), ("Lodhi", "लोधी"), ("Sahu", "साहू"),
        ("Kurmi", "कुर्मी"), ("Gurjar", "गुर्जर"), ("Dhakad", "धाकड़"), ("Patidar", "पाटीदार"),
        ("Prajapati", "प्रजापति"), ("Vishwakarma", "विश्वकर्मा"), ("Soni", "सोनी"), ("Sen", "सेन"),
        ("Chaurasia", "चौरसिया"), ("Kirar", "किरार"), ("Mali", "माली"), ("Rawat", "रावत"), ("Pal", "पाल"),
    ),
    "sc": (
        ("Ahirwar", "अहिरवार"), ("Jatav", "जाटव"), ("Balmiki", "बाल्मीकि"), ("Malviya", "मालवीय"),
        ("Katiya", "कटिया"), ("Kori", "कोरी"), ("Mehra", "मेहरा"), ("Khatik", "खटीक"), ("Dohare", "दोहरे"),
        ("Sonkar", "सोनकर"), ("Basod", "बसोड़"), ("Chadar", "चढ़ार"), ("Bairwa", "बैरवा"),
    ),
}  # fmt: skip

# Surnames of Scheduled Tribe families by the tribes of a region: Bhil and Bhilala in the west (Jhabua,
# Alirajpur, Barwani, Dhar), Gond in the Satpura and the east (Dindori, Mandla, Seoni, Balaghat), Korku
# with Gond in Betul, Harda and Khandwa, Kol with Gond in the north-east (Rewa, Sidhi, Singrauli), and
# in Gwalior-Chambal, where most tribal families are Sahariya (see TRIBE_SURNAMES), the other families.
ST_SURNAMES: dict[str, tuple[Name, ...]] = {
    "bhil": (
        ("Bhuria", "भूरिया"), ("Damor", "डामोर"), ("Ninama", "निनामा"), ("Katara", "कटारा"), ("Mavi", "मावी"),
        ("Dawar", "डावर"), ("Bhabar", "भाबर"), ("Barela", "बारेला"), ("Alawa", "अलावा"), ("Muniya", "मुणिया"),
        ("Vasuniya", "वसुनिया"), ("Bhilala", "भिलाला"),
    ),
    "gond": (
        ("Uikey", "उइके"), ("Markam", "मरकाम"), ("Dhurve", "धुर्वे"), ("Maravi", "मरावी"), ("Tekam", "टेकाम"),
        ("Kumre", "कुमरे"), ("Parte", "परते"), ("Warkade", "वरकड़े"), ("Paraste", "परस्ते"), ("Netam", "नेताम"),
        ("Kusram", "कुसराम"), ("Syam", "श्याम"), ("Porte", "पोर्ते"), ("Sarota", "सरोता"),
    ),
    "korku": (
        ("Kasde", "कासदे"), ("Dhikar", "धिकार"), ("Jamunkar", "जामुनकर"), ("Bethekar", "बेठेकर"),
        ("Uikey", "उइके"), ("Dhurve", "धुर्वे"), ("Kumre", "कुमरे"), ("Evne", "इवने"),
    ),
    "kol": (
        ("Kol", "कोल"), ("Kharwar", "खरवार"), ("Agariya", "अगरिया"), ("Panika", "पनिका"), ("Gond", "गोंड"),
        ("Paraste", "परस्ते"), ("Maravi", "मरावी"),
    ),
    "chambal": (("Adivasi", "आदिवासी"), ("Mogiya", "मोगिया"), ("Bhil", "भील")),
}  # fmt: skip

ST_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        ("jhabua", "alirajpur", "barwani", "dhar", "ratlam", "khargone", "burhanpur", "indore", "ujjain",
         "dewas", "mandsaur", "neemuch", "agar_malwa", "shajapur", "rajgarh"), "bhil"),
    **dict.fromkeys(("betul", "harda", "khandwa"), "korku"),
    **dict.fromkeys(
        ("rewa", "mauganj", "satna", "maihar", "sidhi", "singrauli"), "kol"),
    **dict.fromkeys(
        ("sheopur", "shivpuri", "guna", "ashoknagar", "morena", "datia", "gwalior", "bhind"), "chambal"),
}  # fmt: skip
"""The region of a district's tribes; a district not listed is of the Gond region."""

TRIBE_SURNAMES: dict[str, tuple[Name, ...]] = {
    "baiga": (("Baiga", "बैगा"), ("Dhurve", "धुर्वे"), ("Maravi", "मरावी")),
    "bharia": (("Bharia", "भारिया"), ("Bhariya", "भरिया")),
    "sahariya": (("Sahariya", "सहरिया"), ("Adivasi", "आदिवासी")),
}

# Syllables of synthetic village names: a first part and an ending, each in both scripts.
VILLAGE_STARTS: tuple[Name, ...] = (
    ("Ram", "राम"), ("Shiv", "शिव"), ("Kishan", "किशन"), ("Sita", "सीता"), ("Gopal", "गोपाल"),
    ("Chand", "चांद"), ("Madhav", "माधव"), ("Narayan", "नारायण"), ("Kesar", "केसर"), ("Moti", "मोती"),
    ("Heera", "हीरा"), ("Amar", "अमर"), ("Bhim", "भीम"), ("Devi", "देवी"), ("Kalyan", "कल्याण"),
    ("Sultan", "सुल्तान"), ("Bijay", "बिजय"), ("Raghu", "रघु"), ("Jait", "जैत"), ("Khajuri", "खजूरी"),
    ("Pipal", "पीपल"), ("Imli", "इमली"), ("Sagon", "सागौन"), ("Mahua", "महुआ"), ("Ber", "बेर"),
)  # fmt: skip
VILLAGE_ENDS: tuple[Name, ...] = (
    ("pur", "पुर"), ("gaon", "गांव"), ("garh", "गढ़"), ("kheda", "खेड़ा"), ("khedi", "खेड़ी"), ("nagar", "नगर"),
    ("pura", "पुरा"), ("wada", "वाड़ा"), ("ganj", "गंज"), ("tola", "टोला"), ("patti", "पट्टी"), ("dih", "डीह"),
)  # fmt: skip
