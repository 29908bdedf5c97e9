"""Labelled sentences for measuring personal-data detection (`ragloom eval pii`).

Every person, address, number and look-alike here is invented. Each sentence lists every
personal-data value it holds (PERSON, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE) and
every look-alike that must stay unmasked (NOT_PERSON: ships, places, products, organisations,
headings, gene and protein names, capitalised common words). A mention's text occurs exactly once
in its sentence; for a titled name ("Dr. Anita Rao") the label covers the name without the title.

Card numbers are completed with a Luhn check digit and IBANs get ISO 13616 mod-97 check digits
(and, where a country has a simple one, its national check digits), all computed below from
invented bank codes and account numbers, so a scrubber that validates them accepts them. Nothing
is random: the set is the same on every import. Sentences alternate between the dev and test
splits."""

from __future__ import annotations

import re

from bench.answer_suite.schema import LabelledSentence, Mention, PiiLabel

# --- check digits -------------------------------------------------------------------------------


def luhn_valid(number: str) -> bool:
    """Whether the digits of `number` pass the Luhn check."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return bool(digits) and total % 10 == 0


def _luhn_complete(partial: str) -> str:
    for check in "0123456789":
        if luhn_valid(partial + check):
            return partial + check
    raise AssertionError(partial)


def _card(partial: str, layout: str) -> str:
    number = _luhn_complete(partial)
    if layout == "plain":
        return number
    if layout == "amex":  # 4-6-5
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return ("-" if layout == "dash" else " ").join(groups)


def iban_mod97(iban: str) -> int:
    """The ISO 13616 remainder of an IBAN (spaces ignored): 1 for a valid one."""
    compact = iban.replace(" ", "").upper()
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97


_IBAN_LENGTH = {"GB": 22, "DE": 22, "NL": 18, "FR": 27, "ES": 24, "IT": 27, "BE": 16, "CH": 21}


def _iban(country: str, bban: str, spaced: bool) -> str:
    check = 98 - iban_mod97(country + "00" + bban)
    compact = f"{country}{check:02d}{bban}"
    assert len(compact) == _IBAN_LENGTH[country], compact
    assert iban_mod97(compact) == 1, compact
    if not spaced:
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _gb(bank: str, sort_code: str, account: str) -> str:
    return bank + sort_code + account  # 4 letters, 6 digits, 8 digits


def _de(blz: str, account: str) -> str:
    return blz + account  # 8 + 10 digits


def _nl(bank: str, nine: str) -> str:
    """4 letters + a 10-digit account passing the Dutch eleven test (the first one from `nine`)."""
    start = int(nine)
    for candidate in range(start, start + 100):
        first = f"{candidate:09d}"
        weighted = sum(int(d) * w for d, w in zip(first, range(10, 1, -1), strict=True))
        last = (-weighted) % 11
        if last < 10:
            return bank + first + str(last)
    raise AssertionError(nine)


def _fr(bank: str, branch: str, account: str) -> str:
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"  # 5 + 5 + 11 + 2 (clé RIB)


_ES_WEIGHTS = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]


def _es_digit(ten: str) -> int:
    check = 11 - sum(w * int(d) for w, d in zip(_ES_WEIGHTS, ten, strict=True)) % 11
    return 0 if check == 11 else 1 if check == 10 else check


def _es(bank: str, branch: str, account: str) -> str:
    control = f"{_es_digit('00' + bank + branch)}{_es_digit(account)}"
    return bank + branch + control + account  # 4 + 4 + 2 + 10


_CIN_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def _it(abi: str, cab: str, account: str) -> str:
    total = 0
    for position, char in enumerate(abi + cab + account):
        index = int(char) if char.isdigit() else ord(char) - ord("A")
        total += _CIN_ODD[index] if position % 2 == 0 else index
    return chr(ord("A") + total % 26) + abi + cab + account  # CIN + 5 + 5 + 12


def _be(ten: str) -> str:
    check = int(ten) % 97 or 97
    return f"{ten}{check:02d}"  # 3 + 7 + 2


def _ch(clearing: str, account: str) -> str:
    return clearing + account  # 5 + 12


# --- values -------------------------------------------------------------------------------------

# Luhn-completed card numbers: [0-9] Visa, [10-19] Mastercard, [20-25] Amex, [26] Discover,
# [27, 29] Visa, [28] Mastercard.
CARD = [
    _card(partial, layout)
    for partial, layout in [
        ("411111111111111", "4444"),
        ("401288888888188", "plain"),
        ("424242424242424", "dash"),
        ("453914880343646", "4444"),
        ("448502719384026", "plain"),
        ("492937146205583", "4444"),
        ("471608831952704", "dash"),
        ("455673012849937", "4444"),
        ("402400716281045", "plain"),
        ("446291537028814", "4444"),
        ("555555555555444", "4444"),
        ("510510510510510", "plain"),
        ("520082828282821", "4444"),
        ("222300312200322", "4444"),
        ("537418209966351", "plain"),
        ("545301778102936", "dash"),
        ("512804469327715", "4444"),
        ("258810430912276", "4444"),
        ("527196640028183", "plain"),
        ("230456781209374", "4444"),
        ("37828224631000", "amex"),
        ("37144963539843", "amex"),
        ("34056728190234", "amex"),
        ("37610093427758", "plain"),
        ("34982216047391", "amex"),
        ("37301577208846", "plain"),
        ("601111111111111", "4444"),
        ("491761208457392", "plain"),
        ("535620017348861", "4444"),
        ("491829304756120", "4444"),
    ]
]

# IBANs with computed check digits, printed with spaces (True) or compact (False).
IBAN = {
    "GB1": _iban("GB", _gb("SALT", "204511", "78342190"), True),
    "GB2": _iban("GB", _gb("HARB", "401276", "55019832"), False),
    "GB3": _iban("GB", _gb("MOOR", "309634", "12078455"), True),
    "GB4": _iban("GB", _gb("KILN", "608371", "40917736"), False),
    "DE1": _iban("DE", _de("26580070", "0412938765"), True),
    "DE2": _iban("DE", _de("10090044", "7730021956"), False),
    "DE3": _iban("DE", _de("50010517", "5407324120"), True),
    "DE4": _iban("DE", _de("76026000", "3318840297"), False),
    "NL1": _iban("NL", _nl("ZEEB", "417164300"), True),
    "NL2": _iban("NL", _nl("DUIN", "602938471"), False),
    "NL3": _iban("NL", _nl("POLD", "385120946"), True),
    "NL4": _iban("NL", _nl("GRCH", "719204385"), False),
    "FR1": _iban("FR", _fr("30027", "17533", "00020547901"), True),
    "FR2": _iban("FR", _fr("20041", "01005", "12739000501"), False),
    "FR3": _iban("FR", _fr("14508", "00098", "73014562201"), True),
    "FR4": _iban("FR", _fr("18206", "00215", "60071234908"), False),
    "ES1": _iban("ES", _es("2085", "4791", "6054218930"), True),
    "ES2": _iban("ES", _es("0182", "3025", "0201593847"), False),
    "ES3": _iban("ES", _es("2100", "0418", "4502051332"), True),
    "ES4": _iban("ES", _es("0049", "1500", "2710394856"), False),
    "IT1": _iban("IT", _it("03069", "09606", "100000004821"), True),
    "IT2": _iban("IT", _it("05428", "11101", "000047193058"), False),
    "IT3": _iban("IT", _it("02008", "01664", "000103759213"), True),
    "IT4": _iban("IT", _it("01005", "03200", "000000087432"), False),
    "BE1": _iban("BE", _be("5390075470"), True),
    "BE2": _iban("BE", _be("0682214730"), False),
    "BE3": _iban("BE", _be("3101845632"), True),
    "BE4": _iban("BE", _be("7350621984"), False),
    "CH1": _iban("CH", _ch("09000", "000341725590"), True),
    "CH2": _iban("CH", _ch("00233", "233147890161"), False),
    "CH3": _iban("CH", _ch("30000", "001029384756"), True),
    "CH4": _iban("CH", _ch("08401", "000061558793"), False),
}

# --- sentences ----------------------------------------------------------------------------------

_Pair = tuple[str, PiiLabel]


def P(text: str) -> _Pair:
    return (text, "PERSON")


def E(text: str) -> _Pair:
    return (text, "EMAIL_ADDRESS")


def T(text: str) -> _Pair:
    return (text, "PHONE_NUMBER")


def C(text: str) -> _Pair:
    return (text, "CREDIT_CARD")


def I(text: str) -> _Pair:  # noqa: E743
    return (text, "IBAN_CODE")


def N(text: str) -> _Pair:
    return (text, "NOT_PERSON")


_RAW: list[tuple[str, list[_Pair]]] = []


def _s(sentence: str, *mentions: _Pair) -> None:
    _RAW.append((sentence, list(mentions)))


# People among ships, places, products and organisations.
_s(
    "Dr. Anita Rao sailed on the Saltmarsh Queen from Thomas Pier.",
    P("Anita Rao"),
    N("Saltmarsh Queen"),
    N("Thomas Pier"),
)
_s(
    "Mary Jones's booking on the Lady Agnes Moray was moved to Friday.",
    P("Mary Jones"),
    N("Lady Agnes Moray"),
)
_s(
    "Tom Becker skippers the Saltmarsh Queen on the evening crossing to Brannock Point.",
    P("Tom Becker"),
    N("Saltmarsh Queen"),
    N("Brannock Point"),
)
_s(
    "Harriet Lowe-Pemberton chairs the Orrin Valley Hop Growers this year.",
    P("Harriet Lowe-Pemberton"),
    N("Orrin Valley Hop Growers"),
)
_s(
    "Ramón García-Márquez walked from St. Kilda Row up to Mount Hallow before breakfast.",
    P("Ramón García-Márquez"),
    N("St. Kilda Row"),
    N("Mount Hallow"),
)
_s("Dagný Þórsdóttir recommends Old Gregor with a splash of water.", P("Dagný Þórsdóttir"), N("Old Gregor"))
_s(
    "Our vet, Łukasz Wiśniewski, moved the clinic's cats onto FelineShield 3 in spring.",
    P("Łukasz Wiśniewski"),
    N("FelineShield 3"),
)
_s(
    "Nguyễn Thị Lan ordered two bags of Sir Whiskers Formula for the shelter.",
    P("Nguyễn Thị Lan"),
    N("Sir Whiskers Formula"),
)
_s(
    "Søren Kjærgaard photographed the Lady Agnes Moray as she rounded Brannock Point.",
    P("Søren Kjærgaard"),
    N("Lady Agnes Moray"),
    N("Brannock Point"),
)
_s(
    "Zoë Ó Súilleabháin runs the pottery shop at the top of St. Kilda Row.",
    P("Zoë Ó Súilleabháin"),
    N("St. Kilda Row"),
)
_s(
    "Aiko Tanaka filmed the Kiln Time-lapse that now plays on the studio homepage.",
    P("Aiko Tanaka"),
    N("Kiln Time-lapse"),
)
_s(
    "Björn Ångström keeps the Saltmarsh Queen moored at Thomas Pier over the winter.",
    P("Björn Ångström"),
    N("Saltmarsh Queen"),
    N("Thomas Pier"),
)
_s(
    "Małgorzata Kowalczyk leads the BRCA1 screening study at Fenwick Lane Clinic.",
    P("Małgorzata Kowalczyk"),
    N("BRCA1"),
    N("Fenwick Lane Clinic"),
)
_s(
    "Captain Ewan MacLeod handed the Lady Agnes Moray over to her new owners.",
    P("Ewan MacLeod"),
    N("Lady Agnes Moray"),
)
_s(
    "Mrs. Beatrice Okonkwo-Hale paid for the new bench at Brannock Point.",
    P("Beatrice Okonkwo-Hale"),
    N("Brannock Point"),
)
_s(
    "Sir Whiskers Formula was out of stock, so Pádraig Ó Briain gave us FelineShield 3 instead.",
    N("Sir Whiskers Formula"),
    P("Pádraig Ó Briain"),
    N("FelineShield 3"),
)
_s("Mr. Hamid Karimi's van was towed from Thomas Pier on Tuesday.", P("Hamid Karimi"), N("Thomas Pier"))
_s(
    "We met Catalina Restrepo at the Orrin Valley Hop Growers open day.",
    P("Catalina Restrepo"),
    N("Orrin Valley Hop Growers"),
)
_s("I'll ask Tomasz whether Old Gregor comes in a half bottle.", P("Tomasz"), N("Old Gregor"))
_s(
    "Hans-Peter Müller and Renée Dubois-Lefèvre crewed the Saltmarsh Queen in the regatta.",
    P("Hans-Peter Müller"),
    P("Renée Dubois-Lefèvre"),
    N("Saltmarsh Queen"),
)
_s(
    "The harbour master, Seán Mac Giolla Phádraig, closed Thomas Pier at dusk.",
    P("Seán Mac Giolla Phádraig"),
    N("Thomas Pier"),
)
_s("Dr. Jürgen Weiß compared Old Gregor with two supermarket whiskies.", P("Jürgen Weiß"), N("Old Gregor"))
_s(
    "Saoirse Nic Dhòmhnaill moved the Kiln Time-lapse screening to the boathouse at Brannock Point.",
    P("Saoirse Nic Dhòmhnaill"),
    N("Kiln Time-lapse"),
    N("Brannock Point"),
)
_s(
    "Elif Şahin and Ilse de Vries run the Orrin Valley Hop Growers stand at the fair.",
    P("Elif Şahin"),
    P("Ilse de Vries"),
    N("Orrin Valley Hop Growers"),
)
_s(
    "Ana Paula Gonçalves bought the last bottle of Ruby Port Reserve.",
    P("Ana Paula Gonçalves"),
    N("Ruby Port Reserve"),
)
_s(
    "Wojciech Brzęczyszczykiewicz fixed the sign outside Holly Lodge.",
    P("Wojciech Brzęczyszczykiewicz"),
    N("Holly Lodge"),
)
_s(
    "Mei-Ling Huang and Rahul Deshpande ran the stall for Violet Hill Farm.",
    P("Mei-Ling Huang"),
    P("Rahul Deshpande"),
    N("Violet Hill Farm"),
)
_s(
    "Ayşe Yıldız says Sir Whiskers Formula suits kittens better than FelineShield 3.",  # noqa: RUF001 (Turkish dotless i)
    P("Ayşe Yıldız"),  # noqa: RUF001
    N("Sir Whiskers Formula"),
    N("FelineShield 3"),
)
_s(
    "Astrid Johansson-Berg drove Kwabena Asante to the ferry at Brannock Point.",
    P("Astrid Johansson-Berg"),
    P("Kwabena Asante"),
    N("Brannock Point"),
)
_s(
    "According to Miriam Abergel, the cask-strength Old Gregor is worth the price.",
    P("Miriam Abergel"),
    N("Old Gregor"),
)
_s(
    "Cormac Ó Dálaigh and Émilie Gauthier crewed the Lady Agnes Moray together.",
    P("Cormac Ó Dálaigh"),
    P("Émilie Gauthier"),
    N("Lady Agnes Moray"),
)

# Single names in dialogue and names in labelled fields.
_s("Ask Priya about it.", P("Priya"))
_s("Thanks, Jonas, I'll send the proofs tonight.", P("Jonas"))
_s("Could you check with Mehmet before we reprint the labels?", P("Mehmet"))
_s("Sorry, Fiona, the glaze from Emberline Supplies hasn't arrived yet.", P("Fiona"), N("Emberline Supplies"))
_s("Can you ring Aoife when you land?", P("Aoife"))
_s("Lovely to see you, Maëlle!", P("Maëlle"))
_s("Has Rohan signed the lease for the unit on St. Kilda Row?", P("Rohan"), N("St. Kilda Row"))
_s("Yes, Ebele, the Kiln Time-lapse is on the website now.", P("Ebele"), N("Kiln Time-lapse"))
_s("Hi Sven, can we move the tasting of Old Gregor to Thursday?", P("Sven"), N("Old Gregor"))
_s("Did Ottokar leave the gate open at Violet Hill Farm?", P("Ottokar"), N("Violet Hill Farm"))
_s("Bookkeeping: Imogen Farley-Stroud", N("Bookkeeping"), P("Imogen Farley-Stroud"))
_s("On call: Kwame Mensah", N("On call"), P("Kwame Mensah"))
_s("Contact: Elin Sæther", N("Contact"), P("Elin Sæther"))
_s("Site manager: Dervla Keogh", N("Site manager"), P("Dervla Keogh"))
_s("Prepared by: Tobias Engström", N("Prepared by"), P("Tobias Engström"))
_s("Reviewer: Dr. Sunita Pillai", N("Reviewer"), P("Sunita Pillai"))
_s("Emergency contact: Matías Fernández (brother)", N("Emergency contact"), P("Matías Fernández"))
_s("Chair: Margaret Ashdown-Pryce", N("Chair"), P("Margaret Ashdown-Pryce"))
_s("Warden: Gráinne Ní Bhriain", N("Warden"), P("Gráinne Ní Bhriain"))

# Contact details: e-mail addresses and phone numbers in many formats.
_s(
    "Ring Brigid Nolan on +353 21 455 0917 about the Cork order.",
    P("Brigid Nolan"),
    T("+353 21 455 0917"),
    N("Cork"),
)
_s(
    "Email Mary Okafor at mary.okafor@harbourline.co.uk or call +44 20 7946 0958.",
    P("Mary Okafor"),
    E("mary.okafor@harbourline.co.uk"),
    T("+44 20 7946 0958"),
)
_s("For bookings ring Jannik Becker on +49 30 901820.", P("Jannik Becker"), T("+49 30 901820"))
_s(
    "Questions about the Saltmarsh Queen timetable go to ferries@saltmarshline.com.",
    N("Saltmarsh Queen"),
    E("ferries@saltmarshline.com"),
)
_s(
    "Claire Dubois answers the Paris office line, +33 1 42 68 53 00, until six.",
    P("Claire Dubois"),
    N("Paris"),
    T("+33 1 42 68 53 00"),
)
_s(
    "Reach Siobhán Kelly at +353 1 555 0182 or siobhan.kelly@liffeyprint.ie.",
    P("Siobhán Kelly"),
    T("+353 1 555 0182"),
    E("siobhan.kelly@liffeyprint.ie"),
)
_s(
    "Our New York desk is on +1 212 555 0199; ask for Marcus Greene.",
    N("New York"),
    T("+1 212 555 0199"),
    P("Marcus Greene"),
)
_s(
    "Anand Krishnan (+91 22 5555 0123) coordinates the Mumbai shipments.",
    P("Anand Krishnan"),
    T("+91 22 5555 0123"),
    N("Mumbai"),
)
_s(
    "The Sydney team can be reached through Chloe Nguyen on +61 2 5550 1234.",
    N("Sydney"),
    P("Chloe Nguyen"),
    T("+61 2 5550 1234"),
)
_s("Call the front desk at (555) 010-4477 and ask for Dolores.", T("(555) 010-4477"), P("Dolores"))
_s("Gareth Pryce's direct line is 0161 496 0736.", P("Gareth Pryce"), T("0161 496 0736"))
_s(
    "Berlin orders: Katrin Vogel, 030-901820, katrin.vogel@spreehaus.de",
    N("Berlin"),
    P("Katrin Vogel"),
    T("030-901820"),
    E("katrin.vogel@spreehaus.de"),
)
_s("Text 555.010.4477 if the gate at Holly Lodge is locked.", T("555.010.4477"), N("Holly Lodge"))
_s(
    "Helga Sigurðardóttir: helga@fjordwool.is, +354 555 0192",
    P("Helga Sigurðardóttir"),
    E("helga@fjordwool.is"),
    T("+354 555 0192"),
)
_s("Please forward the invoice to accounts@orrinvalleyhops.org.", E("accounts@orrinvalleyhops.org"))
_s(
    "If the ferry is late, phone the harbour office at Brannock Point on 01632 960418.",
    N("Brannock Point"),
    T("01632 960418"),
)
_s("Leave a message for Tomás Ruiz on +34 912 555 480.", P("Tomás Ruiz"), T("+34 912 555 480"))
_s(
    "Lucía Ortega's mobile is +34 612 55 01 92 and her email is lucia.ortega@costaverde.es.",
    P("Lucía Ortega"),
    T("+34 612 55 01 92"),
    E("lucia.ortega@costaverde.es"),
)
_s("Giorgio Bellandi answers on +39 06 5550 4172 on weekdays.", P("Giorgio Bellandi"), T("+39 06 5550 4172"))
_s(
    "Francesca Moretti can be reached on +39 347 555 0198 or at f.moretti@lagunaviaggi.it.",
    P("Francesca Moretti"),
    T("+39 347 555 0198"),
    E("f.moretti@lagunaviaggi.it"),
)
_s("Sanne de Jong: +31 20 555 0143", P("Sanne de Jong"), T("+31 20 555 0143"))
_s("Bram Janssen texts from +31 6 5550 1287 when the barge arrives.", P("Bram Janssen"), T("+31 6 5550 1287"))
_s(
    "The Brussels office (+32 2 555 41 19) is staffed by Wouter Peeters.",
    N("Brussels"),
    T("+32 2 555 41 19"),
    P("Wouter Peeters"),
)
_s(
    "Nadia Keller works from Zürich; her number is +41 44 555 02 63.",
    P("Nadia Keller"),
    N("Zürich"),
    T("+41 44 555 02 63"),
)
_s(
    "Call Oskar Lindgren on +46 8 555 019 42 about the Skärvik charter.",
    P("Oskar Lindgren"),
    T("+46 8 555 019 42"),
    N("Skärvik"),
)
_s(
    "Our San Francisco partner, Dana Whitfield, is on +1 (415) 555-0132.",
    N("San Francisco"),
    P("Dana Whitfield"),
    T("+1 (415) 555-0132"),
)
_s(
    "Ingvild Haugen (+47 22 55 50 18, ingvild@nordlysdesign.no) drew the Kiln Time-lapse storyboard.",
    P("Ingvild Haugen"),
    T("+47 22 55 50 18"),
    E("ingvild@nordlysdesign.no"),
    N("Kiln Time-lapse"),
)
_s(
    "Paweł Nowicki, +48 22 555 01 37, pawel.nowicki@wislatrans.pl",
    P("Paweł Nowicki"),
    T("+48 22 555 01 37"),
    E("pawel.nowicki@wislatrans.pl"),
)
_s(
    "Yuki Matsumoto will reply from yuki.matsumoto@sakuraceramics.jp or on +81 3 5555 0146.",
    P("Yuki Matsumoto"),
    E("yuki.matsumoto@sakuraceramics.jp"),
    T("+81 3 5555 0146"),
)
_s(
    "Chinedu Obi left +234 803 555 0172 as his Lagos number.",
    P("Chinedu Obi"),
    T("+234 803 555 0172"),
    N("Lagos"),
)
_s("Trần Văn Minh takes calls on +84 28 5555 0139.", P("Trần Văn Minh"), T("+84 28 5555 0139"))
_s(
    "Elisabeth Gruber, +43 1 555 0194, handles the Vienna bookings.",
    P("Elisabeth Gruber"),
    T("+43 1 555 0194"),
    N("Vienna"),
)
_s(
    "João Pereira (joao.pereira@tejoazul.pt) asked us to call +351 21 555 0128.",
    P("João Pereira"),
    E("joao.pereira@tejoazul.pt"),
    T("+351 21 555 0128"),
)
_s(
    "Vancouver enquiries: Priscilla Tam, +1 604 555 0186",
    N("Vancouver"),
    P("Priscilla Tam"),
    T("+1 604 555 0186"),
)
_s(
    "Aroha Ngata can be reached on +64 9 555 0143 or aroha@kauriwharf.co.nz.",
    P("Aroha Ngata"),
    T("+64 9 555 0143"),
    E("aroha@kauriwharf.co.nz"),
)
_s(
    "Sipho Ndlovu's Cape Town number is +27 21 555 0167.",
    P("Sipho Ndlovu"),
    N("Cape Town"),
    T("+27 21 555 0167"),
)
_s(
    "The London switchboard, (020) 7946 0533, will put you through to Rupert Alleyne.",
    N("London"),
    T("(020) 7946 0533"),
    P("Rupert Alleyne"),
)
_s(
    "Dial 0044 20 7946 0871 from abroad and ask for Winifred Osei.",
    T("0044 20 7946 0871"),
    P("Winifred Osei"),
)
_s(
    "Birgit Hansen-Lührs moved to Hamburg; try +49 (0)40 5550 3318.",
    P("Birgit Hansen-Lührs"),
    N("Hamburg"),
    T("+49 (0)40 5550 3318"),
)
_s("Desmond Clarke said to call +1-202-555-0147 after lunch.", P("Desmond Clarke"), T("+1-202-555-0147"))
_s(
    "Report lost property on the Lady Agnes Moray to 212.555.0163 or lostproperty@moraylines.com.",
    N("Lady Agnes Moray"),
    T("212.555.0163"),
    E("lostproperty@moraylines.com"),
)
_s(
    "Wei Jie Tan is on +65 6555 0192 for the Singapore leg.",
    P("Wei Jie Tan"),
    T("+65 6555 0192"),
    N("Singapore"),
)
_s(
    "Text Halima Yusuf on +44 7700 900123 when you reach Thomas Pier.",
    P("Halima Yusuf"),
    T("+44 7700 900123"),
    N("Thomas Pier"),
)
_s(
    "Duncan Fraser, 0131 496 0645, duncan.fraser@lothianlofts.co.uk",
    P("Duncan Fraser"),
    T("0131 496 0645"),
    E("duncan.fraser@lothianlofts.co.uk"),
)
_s(
    "Harvey Whitlock answers 0113 496 0281 for the Leeds depot.",
    P("Harvey Whitlock"),
    T("0113 496 0281"),
    N("Leeds"),
)
_s(
    "Call 020 7946 0712 or email bookings@stkildapottery.co.uk to reserve a wheel.",
    T("020 7946 0712"),
    E("bookings@stkildapottery.co.uk"),
)
_s(
    "Amélie Laurent manages the Marseille shop: +33 4 91 55 21 07, amelie.laurent@calanquebleue.fr",
    P("Amélie Laurent"),
    N("Marseille"),
    T("+33 4 91 55 21 07"),
    E("amelie.laurent@calanquebleue.fr"),
)
_s("Thérèse Bonnaire asked to be called back on 01 45 22 81 30.", P("Thérèse Bonnaire"), T("01 45 22 81 30"))
_s(
    "Raj Malhotra's mobile is +91 98200 55512; his email is raj.malhotra@sagarfreight.in.",
    P("Raj Malhotra"),
    T("+91 98200 55512"),
    E("raj.malhotra@sagarfreight.in"),
)
_s(
    "Ellie Watson (+61 412 555 019) skippers the whale-watching boat Southern Comet.",
    P("Ellie Watson"),
    T("+61 412 555 019"),
    N("Southern Comet"),
)
_s(
    "Send the proofs to Zainab Hussain at zainab.hussain@inkwellpress.co.uk.",
    P("Zainab Hussain"),
    E("zainab.hussain@inkwellpress.co.uk"),
)
_s(
    "Frederick Osterberg-Lyle prefers email: fred.ol@marrowbonebooks.com.",
    P("Frederick Osterberg-Lyle"),
    E("fred.ol@marrowbonebooks.com"),
)
_s(
    "Camille Rousseau and Hugo Lambert share the inbox team@atelierdesvagues.fr.",
    P("Camille Rousseau"),
    P("Hugo Lambert"),
    E("team@atelierdesvagues.fr"),
)
_s(
    "Please copy Niamh Byrne (niamh.byrne@brannockboats.ie) on anything about the Saltmarsh Queen.",
    P("Niamh Byrne"),
    E("niamh.byrne@brannockboats.ie"),
    N("Saltmarsh Queen"),
)
_s(
    "Write to Dr. Kojo Owusu at k.owusu@accrabiolab.com about the Wnt assay.",
    P("Kojo Owusu"),
    E("k.owusu@accrabiolab.com"),
    N("Wnt"),
)
_s(
    "Anneke Visser asked that invoices go to anneke@tulpveld.nl rather than by post.",
    P("Anneke Visser"),
    E("anneke@tulpveld.nl"),
)
_s(
    "Customer service for FelineShield 3: care@vetshieldlabs.com or 555-010-3921",
    N("FelineShield 3"),
    E("care@vetshieldlabs.com"),
    T("555-010-3921"),
)
_s(
    "Signe Dahlberg's new address is signe.dahlberg@fjellpost.no.",
    P("Signe Dahlberg"),
    E("signe.dahlberg@fjellpost.no"),
)
_s(
    "Isabella Conti gave her email as isabella.conti@veneziarte.it.",
    P("Isabella Conti"),
    E("isabella.conti@veneziarte.it"),
)
_s(
    "The Dawn Chorus Walk waiting list is kept by walks@hallowtrust.org.",
    N("Dawn Chorus Walk"),
    E("walks@hallowtrust.org"),
)
_s(
    "Olga Ivanova: olga.ivanova@volgatech.ru, +7 495 555 01 83",
    P("Olga Ivanova"),
    E("olga.ivanova@volgatech.ru"),
    T("+7 495 555 01 83"),
)
_s(
    "Replies to noreply@hopfestival.org are not read; write to Greta Olsen at greta.olsen@hopfestival.org.",
    E("noreply@hopfestival.org"),
    P("Greta Olsen"),
    E("greta.olsen@hopfestival.org"),
)
_s(
    "Sender: Idris Balogun <idris.balogun@harmattanmedia.com>",
    N("Sender"),
    P("Idris Balogun"),
    E("idris.balogun@harmattanmedia.com"),
)
_s(
    "Aarav Shah and Diya Mehta both use studio@rangoliclay.in.",
    P("Aarav Shah"),
    P("Diya Mehta"),
    E("studio@rangoliclay.in"),
)

# Payment details: card numbers and IBANs.
_s(f"Charge the deposit to Eleanor Finch's Visa, {CARD[0]}.", P("Eleanor Finch"), N("Visa"), C(CARD[0]))
_s(f"Card on file for Henrik Olsen: {CARD[1]}", P("Henrik Olsen"), C(CARD[1]))
_s(
    f"Please refund {CARD[2]}, the card Yara Haddad used at Holly Lodge.",
    C(CARD[2]),
    P("Yara Haddad"),
    N("Holly Lodge"),
)
_s(f"Callum Reid paid for two nights with {CARD[3]}.", P("Callum Reid"), C(CARD[3]))
_s(f"Declined: {CARD[4]} (cardholder Benedikt Schäfer)", C(CARD[4]), P("Benedikt Schäfer"))
_s(
    f"Tickets for the Saltmarsh Queen were bought on card {CARD[5]} by Gwen Price-Davies.",
    N("Saltmarsh Queen"),
    C(CARD[5]),
    P("Gwen Price-Davies"),
)
_s(f"Payment from Ömer Çelik, card number {CARD[6]}, was flagged twice.", P("Ömer Çelik"), C(CARD[6]))
_s(
    f"Sir Whiskers Formula subscription: card {CARD[7]}, account holder Rebecca Thornbury",
    N("Sir Whiskers Formula"),
    C(CARD[7]),
    P("Rebecca Thornbury"),
)
_s(f"Stefan Horvath's card {CARD[8]} expired last month.", P("Stefan Horvath"), C(CARD[8]))
_s(
    f"Eero Virtanen gave {CARD[9]} as the guarantee card for Patience Cove cottage.",
    P("Eero Virtanen"),
    C(CARD[9]),
    N("Patience Cove"),
)
_s(
    f"Sakura Ito read out her Mastercard number, {CARD[10]}, over the phone.",
    P("Sakura Ito"),
    N("Mastercard"),
    C(CARD[10]),
)
_s(
    f"Use {CARD[11]} for the Orrin Valley Hop Growers subscription, Mateus said.",
    C(CARD[11]),
    N("Orrin Valley Hop Growers"),
    P("Mateus"),
)
_s(
    f"Rafaela Duarte's corporate card is {CARD[12]}; do not store it in the notes.",
    P("Rafaela Duarte"),
    C(CARD[12]),
)
_s(
    f"Tadeusz Lewandowski asked us to replace {CARD[13]} with {CARD[14]} for future orders.",
    P("Tadeusz Lewandowski"),
    C(CARD[13]),
    C(CARD[14]),
)
_s(
    f"Noor Rahman paid the Kiln Time-lapse licence fee with {CARD[15]}.",
    P("Noor Rahman"),
    N("Kiln Time-lapse"),
    C(CARD[15]),
)
_s(f"Lindiwe Khumalo paid with {CARD[16]} and asked for a receipt.", P("Lindiwe Khumalo"), C(CARD[16]))
_s(
    f"Mastercard {CARD[17]}, holder: Cressida Vane-Tempest",
    N("Mastercard"),
    C(CARD[17]),
    P("Cressida Vane-Tempest"),
)
_s(
    f"Alejandro Ibáñez booked the Dawn Chorus Walk with card {CARD[18]}.",
    P("Alejandro Ibáñez"),
    N("Dawn Chorus Walk"),
    C(CARD[18]),
)
_s(
    f"Card {CARD[19]} (Kaito Mori) was charged twice for FelineShield 3.",
    C(CARD[19]),
    P("Kaito Mori"),
    N("FelineShield 3"),
)
_s(f"The Amex card {CARD[20]} belongs to Olivia Brandt.", N("Amex"), C(CARD[20]), P("Olivia Brandt"))
_s(f"Refund issued to {CARD[21]}, held by Declan Moriarty.", C(CARD[21]), P("Declan Moriarty"))
_s(
    f"Amex {CARD[22]} was used at Pearl Street Market by Anders Holm.",
    N("Amex"),
    C(CARD[22]),
    N("Pearl Street Market"),
    P("Anders Holm"),
)
_s(
    f"The disputed charge was on {CARD[23]}, registered to Priscila Almeida.",
    C(CARD[23]),
    P("Priscila Almeida"),
)
_s(
    f"Valentina Greco paid with her American Express, {CARD[24]}.",
    P("Valentina Greco"),
    N("American Express"),
    C(CARD[24]),
)
_s(f"Take the balance from Fionnuala Quigley's card {CARD[25]}.", P("Fionnuala Quigley"), C(CARD[25]))
_s(
    f"Discover card {CARD[26]} belongs to Bethany Coleridge.",
    N("Discover"),
    C(CARD[26]),
    P("Bethany Coleridge"),
)
_s(
    f"Ruairí Mac Aoidh used card {CARD[27]} to pay the mooring fee at Thomas Pier.",
    P("Ruairí Mac Aoidh"),
    C(CARD[27]),
    N("Thomas Pier"),
)
_s(
    f"Magnus Eriksson-Thal switched to {CARD[28]} after his old card was lost.",
    P("Magnus Eriksson-Thal"),
    C(CARD[28]),
)
_s(f"Card payment by Ottavia Marchetti: {CARD[29]}", P("Ottavia Marchetti"), C(CARD[29]))
_s(
    f"Transfer the rent to {IBAN['GB1']}, account name Eleanor Whitcombe.",
    I(IBAN["GB1"]),
    P("Eleanor Whitcombe"),
)
_s(f"Gunnar Schmidt's salary account is {IBAN['DE1']}.", P("Gunnar Schmidt"), I(IBAN["DE1"]))
_s(
    f"Please pay the Orrin Valley Hop Growers invoice into {IBAN['NL1']}.",
    N("Orrin Valley Hop Growers"),
    I(IBAN["NL1"]),
)
_s(f"Refunds for Élodie Marchand go to {IBAN['FR1']}.", P("Élodie Marchand"), I(IBAN["FR1"]))
_s(f"Iker Etxeberria gave {IBAN['ES1']} for the deposit.", P("Iker Etxeberria"), I(IBAN["ES1"]))
_s(f"Wire the fee to {IBAN['IT1']} in the name of Lorenzo Galli.", I(IBAN["IT1"]), P("Lorenzo Galli"))
_s(f"Bank details for Maarten Claes: {IBAN['BE1']}", P("Maarten Claes"), I(IBAN["BE1"]))
_s(f"Reto Brunner wants the reimbursement sent to {IBAN['CH1']}.", P("Reto Brunner"), I(IBAN["CH1"]))
_s(
    f"Our account changed to {IBAN['GB2']}; tell Priyamvada Iyer in accounts.",
    I(IBAN["GB2"]),
    P("Priyamvada Iyer"),
)
_s(f"Annika Weber paid from {IBAN['DE2']} on Monday.", P("Annika Weber"), I(IBAN["DE2"]))
_s(
    f"Direct debit for the Saltmarsh Queen season pass: {IBAN['NL2']}, holder Joost van Dijk",
    N("Saltmarsh Queen"),
    I(IBAN["NL2"]),
    P("Joost van Dijk"),
)
_s(
    f"Sébastien Girard's account {IBAN['FR2']} is closed; use {IBAN['FR3']} instead.",
    P("Sébastien Girard"),
    I(IBAN["FR2"]),
    I(IBAN["FR3"]),
)
_s(f"Carmen Vidal-Soler, IBAN {IBAN['ES2']}", P("Carmen Vidal-Soler"), I(IBAN["ES2"]))
_s(f"Chiara Esposito receives the grant in {IBAN['IT2']}.", P("Chiara Esposito"), I(IBAN["IT2"]))
_s(
    f"Donations for Sir Whiskers Formula go to the shelter's account {IBAN['BE2']}.",
    N("Sir Whiskers Formula"),
    I(IBAN["BE2"]),
)
_s(f"Urs Baumgartner: {IBAN['CH2']}", P("Urs Baumgartner"), I(IBAN["CH2"]))
_s(f"Pay Morwenna Trelawney at {IBAN['GB3']} by Friday.", P("Morwenna Trelawney"), I(IBAN["GB3"]))
_s(f"Heike Brandstätter's new IBAN is {IBAN['DE3']}.", P("Heike Brandstätter"), I(IBAN["DE3"]))
_s(f"Send it to {IBAN['NL3']} (Femke Bakker).", I(IBAN["NL3"]), P("Femke Bakker"))
_s(
    f"Loïc Bertrand and Manon Petit share the account {IBAN['FR4']}.",
    P("Loïc Bertrand"),
    P("Manon Petit"),
    I(IBAN["FR4"]),
)
_s(
    f"Xabier Aranburu changed his account to {IBAN['ES3']} after moving to Bilbao.",
    P("Xabier Aranburu"),
    I(IBAN["ES3"]),
    N("Bilbao"),
)
_s(f"Salvatore Ricci asked for the refund to go to {IBAN['IT3']}.", P("Salvatore Ricci"), I(IBAN["IT3"]))
_s(f"Lotte Vermeulen's savings account is {IBAN['BE3']}.", P("Lotte Vermeulen"), I(IBAN["BE3"]))
_s(
    f"Beatrix Zürcher pays the Holly Lodge rent from {IBAN['CH3']}.",
    P("Beatrix Zürcher"),
    N("Holly Lodge"),
    I(IBAN["CH3"]),
)
_s(
    f"Alastair Penhaligon asked for the refund to {IBAN['GB4']} rather than to his card.",
    P("Alastair Penhaligon"),
    I(IBAN["GB4"]),
)
_s(f"Payroll: Dominik Krause, {IBAN['DE4']}", N("Payroll"), P("Dominik Krause"), I(IBAN["DE4"]))
_s(
    f"Wessel Mulder's business account {IBAN['NL4']} is with the same bank as the Orrin Valley Hop Growers.",
    P("Wessel Mulder"),
    I(IBAN["NL4"]),
    N("Orrin Valley Hop Growers"),
)
_s(
    f"Nuria Castells gave {IBAN['ES4']} for the Kiln Time-lapse commission.",
    P("Nuria Castells"),
    I(IBAN["ES4"]),
    N("Kiln Time-lapse"),
)
_s(
    f"Edoardo Fabbri's account, {IBAN['IT4']}, appears on the Ruby Port Reserve invoice.",
    P("Edoardo Fabbri"),
    I(IBAN["IT4"]),
    N("Ruby Port Reserve"),
)
_s(f"Jorien Maes will receive the prize money in {IBAN['BE4']}.", P("Jorien Maes"), I(IBAN["BE4"]))
_s(f"Corinne Aebischer's pension goes to {IBAN['CH4']}.", P("Corinne Aebischer"), I(IBAN["CH4"]))

# Headings and interface words: the whole sentence is the look-alike.
for _heading in [
    "About us",
    "Kiln Time-lapse",
    "Contact",
    "Opening hours",
    "Frequently asked questions",
    "Meet the Team",
    "Terms and Conditions",
    "Privacy Policy",
    "Book a Visit",
    "Saltmarsh Queen Timetable",
]:
    _s(_heading, N(_heading))
_s("Opening hours: Mon-Sat 9:00-17:00", N("Opening hours"))

# Gene and protein names.
_s("Mutant Ras drives proliferation in these cell lines.", N("Ras"))
_s("Treg numbers rose sharply after the second dose.", N("Treg"))
_s("Loss of p53 was seen in most of the samples.", N("p53"))
_s("Carriers of BRCA1 variants were offered extra screening.", N("BRCA1"))
_s("Notch signalling controls the timing of differentiation.", N("Notch"))
_s("Hedgehog pathway inhibitors slowed the growth of the tumours.", N("Hedgehog"))
_s("Wnt ligands were added on day three.", N("Wnt"))
_s(
    "Prof. Hiroshi Watanabe mapped Wnt and Notch targets in zebrafish.",
    P("Hiroshi Watanabe"),
    N("Wnt"),
    N("Notch"),
)
_s("Dr. Amara Nwosu counted Treg and Th17 cells in each biopsy.", P("Amara Nwosu"), N("Treg"), N("Th17"))
_s("Ras and Myc cooperate in the model that Heikki Järvinen built.", N("Ras"), N("Myc"), P("Heikki Järvinen"))
_s(
    "Siobhán Doyle found BRCA1 and BRCA2 mutations in the same family.",
    P("Siobhán Doyle"),
    N("BRCA1"),
    N("BRCA2"),
)
_s("Hedgehog and Wnt crosstalk was studied by Dr. Rafael Souza.", N("Hedgehog"), N("Wnt"), P("Rafael Souza"))
_s(
    "Professor Oluwaseun Adeyemi showed that p53 loss alone does not explain the growth.",
    P("Oluwaseun Adeyemi"),
    N("p53"),
)
_s("Akt phosphorylation fell once mTOR was blocked.", N("Akt"), N("mTOR"))
_s(
    "Sox2 and Pax6 are both expressed in the developing eye, Chen Wei-Ling noted.",
    N("Sox2"),
    N("Pax6"),
    P("Chen Wei-Ling"),
)
_s("Jak inhibitors reduced Stat3 activity in the Treg population.", N("Jak"), N("Stat3"), N("Treg"))

# Capitalised common words, and names of things that contain given names.
_s("Will Hope Street still be closed on Saturday?", N("Will"), N("Hope Street"))
_s(
    "Rose Gold Edition kettles sold out in a day, Kofi Boateng told us.",
    N("Rose Gold Edition"),
    P("Kofi Boateng"),
)
_s(
    "Grace periods for late payment are fourteen days, according to Lorna Gilchrist.",
    N("Grace"),
    P("Lorna Gilchrist"),
)
_s("Hope you can make it, Dimitri!", N("Hope"), P("Dimitri"))
_s("Will Ottilie be joining us at Mount Hallow?", N("Will"), P("Ottilie"), N("Mount Hallow"))
_s("Faith in the new glaze is growing, says Anneliese Vogt.", N("Faith"), P("Anneliese Vogt"))
_s("Mark the crates for Brannock Point as fragile, Hugo.", N("Mark"), N("Brannock Point"), P("Hugo"))
_s("Bill the Orrin Valley Hop Growers for the extra pallets.", N("Bill"), N("Orrin Valley Hop Growers"))
_s("Frank feedback from Yasmin Haddad helped us redesign the booking page.", N("Frank"), P("Yasmin Haddad"))
_s("Amber warnings are in force along St. Kilda Row tonight.", N("Amber"), N("St. Kilda Row"))
_s("Dawn Chorus Walk starts from the car park below Mount Hallow.", N("Dawn Chorus Walk"), N("Mount Hallow"))
_s(
    "Holly Lodge is fully booked, so Agnieszka Nowak suggested the annexe.",
    N("Holly Lodge"),
    P("Agnieszka Nowak"),
)
_s(
    "Ruby Port Reserve pairs well with the cheese board, says Matteo Rinaldi.",
    N("Ruby Port Reserve"),
    P("Matteo Rinaldi"),
)
_s("Jack the trailer up before you change the tyre, Connor.", N("Jack"), P("Connor"))
_s("Patience Cove is where Ifeoma Eze keeps her dinghy.", N("Patience Cove"), P("Ifeoma Eze"))
_s("Will you send the Opening hours to Rosalind?", N("Will"), N("Opening hours"), P("Rosalind"))
_s("Lady Agnes Moray leaves Thomas Pier at half past six.", N("Lady Agnes Moray"), N("Thomas Pier"))
_s(
    "Hope Springs Bakery gave bread to everyone on the Dawn Chorus Walk.",
    N("Hope Springs Bakery"),
    N("Dawn Chorus Walk"),
)
_s("May we park at Thomas Pier overnight?", N("May"), N("Thomas Pier"))
_s("King Edward potatoes are sold by the sack at Violet Hill Farm.", N("King Edward"), N("Violet Hill Farm"))
_s("Jack Russell terriers are not allowed on the Saltmarsh Queen.", N("Jack Russell"), N("Saltmarsh Queen"))
_s("St. Brendan's Well is a short walk from Brannock Point.", N("St. Brendan's Well"), N("Brannock Point"))
_s(
    "Admiral Cove Marina charges by the metre, Siddharth Rao said.",
    N("Admiral Cove Marina"),
    P("Siddharth Rao"),
)


def _validate(raw: list[tuple[str, list[_Pair]]]) -> None:
    for sentence, mentions in raw:
        for text, label in mentions:
            if sentence.count(text) != 1:
                raise AssertionError(f"{text!r} must occur once in {sentence!r}")
            if label == "CREDIT_CARD" and not luhn_valid(text):
                raise AssertionError(f"not Luhn-valid: {text}")
            if label == "IBAN_CODE" and iban_mod97(text) != 1:
                raise AssertionError(f"bad IBAN check digits: {text}")
            if label == "EMAIL_ADDRESS" and not re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", text):
                raise AssertionError(f"not an e-mail address: {text}")


_validate(_RAW)

SENTENCES: list[LabelledSentence] = [
    LabelledSentence(
        sentence=sentence,
        mentions=[Mention(text=text, label=label) for text, label in mentions],
        split="dev" if index % 2 == 0 else "test",
    )
    for index, (sentence, mentions) in enumerate(_RAW)
]
