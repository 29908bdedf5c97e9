"""The answer suite's "harbour" tenant: Skerrow Island Ferries and the Port Annick Harbour Office, a
fictional island ferry company (ships, timetables, fares, piers, safety notices, a lighthouse,
cargo rules). Every fact, name and number here is invented."""

from __future__ import annotations

from bench.answer_suite.schema import Document, Expected, Pii, Question, Slide, Table

T = "harbour"

DOCUMENTS: list[Document] = [
    # ------------------------------------------------------------------ txt
    Document(
        tenant=T,
        filename="harbour_guide.txt",
        format="txt",
        title="Port Annick Harbour Office - Visitor Guide",
        paragraphs=[
            "The Port Annick Harbour Office stands at the head of Walter Pier, beside the old fish "
            "market. Between April and October it is open every day from 07:00 to 19:30; in winter "
            "it opens from 08:00 to 17:00.",
            "Foot passengers should arrive at least 20 minutes before departure. Drivers must be in "
            "the vehicle marshalling lane at least 40 minutes before sailing, or their space may be "
            "given to a standby vehicle.",
            "Long-stay parking is available in the Cooper's Yard car park, which holds 180 cars and "
            "costs £6.50 per day. Short-stay bays on Walter Pier are limited to 90 minutes.",
            "Left luggage lockers are inside the waiting room on Eliza Quay. A small locker costs £3 "
            "for the day and a large locker costs £5 for the day.",
            "The Galley Bar on board the Lady Elspeth Caird serves hot food until 30 minutes before "
            "arrival. Its best seller is Auld Hamish, a dark ale brewed on Inchmurran, and children "
            "love the Lord Barnaby Shortbread.",
            "Bicycles travel free of charge on all routes but must be secured in the bicycle rack on "
            "the car deck.",
            "Lost property is held at the harbour office for 28 days. Enquiries are handled by the "
            "lost property clerk, Bronagh Fitzwilliam-Kerr, who can be reached at "
            "lostproperty@portannick-harbour.example or on 0117 496 0381.",
        ],
        pii=[
            Pii("PERSON", "Bronagh Fitzwilliam-Kerr"),
            Pii("EMAIL_ADDRESS", "lostproperty@portannick-harbour.example"),
            Pii("PHONE_NUMBER", "0117 496 0381"),
        ],
        keep=[
            "Port Annick Harbour Office",
            "Walter Pier",
            "Cooper's Yard",
            "Eliza Quay",
            "Galley Bar",
            "Lady Elspeth Caird",
            "Auld Hamish",
            "Inchmurran",
            "Lord Barnaby Shortbread",
        ],
    ),
    Document(
        tenant=T,
        filename="group_booking_confirmation.txt",
        format="txt",
        title="Group Booking Confirmation - Reference SKF-88412",
        paragraphs=[
            "Thank you for booking with Skerrow Island Ferries. Group organiser: Lucien Beauchamp-Okafor.",
            "Party: 23 adults and 4 children travelling on the Duchess of Tarrasay from Port Annick "
            "to Tarrasay on Saturday 14 June, departing at 09:00 from Eliza Quay.",
            "A group discount of 15 percent has been applied. Total paid: £412.80.",
            "Payment was taken from card 5555 5555 5555 4444. The deposit refund of £60.00 will be "
            "sent to IBAN IE29 AIBK 9311 5212 3456 78 within 10 working days.",
            "The group has pre-ordered 27 packed lunches, each including a Lord Barnaby Shortbread.",
            "Questions about this booking: groups@skerrowferries.example or +353 21 555 0147.",
        ],
        pii=[
            Pii("PERSON", "Lucien Beauchamp-Okafor"),
            Pii("CREDIT_CARD", "5555 5555 5555 4444"),
            Pii("IBAN_CODE", "IE29 AIBK 9311 5212 3456 78"),
            Pii("EMAIL_ADDRESS", "groups@skerrowferries.example"),
            Pii("PHONE_NUMBER", "+353 21 555 0147"),
        ],
        keep=[
            "Group Booking Confirmation",
            "Skerrow Island Ferries",
            "Duchess of Tarrasay",
            "Port Annick",
            "Tarrasay",
            "Eliza Quay",
            "Lord Barnaby Shortbread",
        ],
    ),
    # conflicting pair A: the car fare changed (38.50 -> 41.20)
    Document(
        tenant=T,
        filename="fare_notice_march.txt",
        format="txt",
        title="Fare Notice - Port Annick to Inchmurran",
        paragraphs=[
            "Skerrow Island Ferries announces the following single fares on the Port Annick to "
            "Inchmurran route, sailed by the Lady Elspeth Caird.",
            "Car and driver: £38.50 single.",
            "Adult foot passenger: £7.20 single. Child aged 5 to 15: £3.60 single. Children under 5 "
            "travel free.",
            "Motorcycle with rider: £15.90 single. Vehicles over 6 metres long pay an extra £2.40 "
            "for every additional metre.",
            "Fares may be paid at the ticket office on Walter Pier or online. A return ticket costs "
            "twice the single fare.",
        ],
        keep=["Skerrow Island Ferries", "Port Annick", "Inchmurran", "Lady Elspeth Caird", "Walter Pier"],
        order=0,
    ),
    Document(
        tenant=T,
        filename="fare_notice_june.txt",
        format="txt",
        title="Fare Notice - Port Annick to Inchmurran",
        paragraphs=[
            "Skerrow Island Ferries announces the following single fares on the Port Annick to "
            "Inchmurran route, sailed by the Lady Elspeth Caird.",
            "Car and driver: £41.20 single.",
            "Adult foot passenger: £7.20 single. Child aged 5 to 15: £3.60 single. Children under 5 "
            "travel free.",
            "Motorcycle with rider: £15.90 single. Vehicles over 6 metres long pay an extra £2.40 "
            "for every additional metre.",
            "Fares may be paid at the ticket office on Walter Pier or online. A return ticket costs "
            "twice the single fare.",
        ],
        keep=["Skerrow Island Ferries", "Port Annick", "Inchmurran", "Lady Elspeth Caird", "Walter Pier"],
        order=1,
    ),
    # ------------------------------------------------------------------ md
    Document(
        tenant=T,
        filename="timetable_summer.md",
        format="md",
        title="Summer Timetable",
        paragraphs=[
            "Valid from 12 May to 28 September. All times are local. Sailings marked 'on request' "
            "only run if booked by 18:00 the previous day.",
            "The Tarrasay service does not sail on Tuesdays during the summer timetable.",
            "Sailings may be cancelled when the wind at Morag Head exceeds Force 8.",
        ],
        tables=[
            Table(
                header=["Route", "Ship", "First departure", "Last departure", "Crossing time"],
                rows=[
                    ["Port Annick - Inchmurran", "Lady Elspeth Caird", "06:45", "21:15", "45 min"],
                    ["Port Annick - Fennick Isle", "Morven Star", "07:30", "19:00", "70 min"],
                    ["Inchmurran - Fennick Isle", "Captain Hollis", "08:10", "18:40", "30 min"],
                    ["Port Annick - Tarrasay", "Duchess of Tarrasay", "09:00", "16:30", "1 h 50 min"],
                ],
            )
        ],
        keep=[
            "Summer Timetable",
            "Tarrasay",
            "Morag Head",
            "Port Annick",
            "Inchmurran",
            "Fennick Isle",
            "Lady Elspeth Caird",
            "Morven Star",
            "Captain Hollis",
            "Duchess of Tarrasay",
        ],
    ),
    # ------------------------------------------------------------------ html
    Document(
        tenant=T,
        filename="about_us.html",
        format="html",
        title="About us",
        paragraphs=[
            "Skerrow Island Ferries was founded in 1962 by the Inchmurran Community Trust with a "
            "single wooden launch called the Puffin Lass.",
            "Today the company runs five vessels and carries around 610,000 passengers a year from "
            "its base at Port Annick. Our head office is in the Harbour Chambers building on Eliza "
            "Quay.",
            "Managing Director: Eilidh Macaskill-Ross. Head of Operations: Dorota Wiśniewska.",
            "For customer relations, contact Rhodri Pennant at customers@skerrowferries.example or "
            "call +44 131 496 0623.",
            "Our fleet and the number of passengers each vessel is licensed to carry:",
        ],
        tables=[
            Table(
                header=["Vessel", "Passengers", "Cars", "Home route"],
                rows=[
                    ["Lady Elspeth Caird", "420", "48", "Inchmurran"],
                    ["Morven Star", "260", "22", "Fennick Isle"],
                    ["Duchess of Tarrasay", "310", "30", "Tarrasay"],
                    ["Captain Hollis", "96", "0", "Inter-island"],
                    ["Margaret Soutar", "12", "freight only", "Cargo"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Eilidh Macaskill-Ross"),
            Pii("PERSON", "Dorota Wiśniewska"),
            Pii("PERSON", "Rhodri Pennant"),
            Pii("EMAIL_ADDRESS", "customers@skerrowferries.example"),
            Pii("PHONE_NUMBER", "+44 131 496 0623"),
        ],
        keep=[
            "About us",
            "Skerrow Island Ferries",
            "Inchmurran Community Trust",
            "Puffin Lass",
            "Port Annick",
            "Harbour Chambers",
            "Eliza Quay",
            "Lady Elspeth Caird",
            "Morven Star",
            "Duchess of Tarrasay",
            "Captain Hollis",
            "Margaret Soutar",
            "Inchmurran",
            "Fennick Isle",
            "Tarrasay",
        ],
    ),
    Document(
        tenant=T,
        filename="season_passes.html",
        format="html",
        title="Season Passes and Multi-Journey Tickets",
        paragraphs=[
            "Season passes are sold at the Walter Pier ticket office and are valid on all Skerrow "
            "Island Ferries routes unless stated otherwise.",
            "Island residents registered with the Inchmurran Community Trust receive a further 20 "
            "percent discount on any pass.",
            "A lost pass can be replaced once per season for an administration fee of £8.",
        ],
        tables=[
            Table(
                header=["Pass", "Valid for", "Price"],
                rows=[
                    ["Island Hopper 10", "10 single foot journeys", "£58"],
                    ["Summer Rover", "Unlimited foot travel, May to September", "£189"],
                    ["Commuter Monthly", "30 days on one route", "£96"],
                    ["Car Saver 6", "6 single car journeys, Inchmurran route", "£205"],
                ],
            )
        ],
        keep=[
            "Season Passes and Multi-Journey Tickets",
            "Walter Pier",
            "Skerrow Island Ferries",
            "Inchmurran Community Trust",
            "Island Hopper 10",
            "Summer Rover",
            "Commuter Monthly",
            "Car Saver 6",
            "Inchmurran",
        ],
    ),
    # ------------------------------------------------------------------ pdf
    Document(
        tenant=T,
        filename="cargo_rules.pdf",
        format="pdf",
        title="Cargo and Freight Rules",
        pages=[
            "Cargo and Freight Rules of Skerrow Island Ferries. "
            "These rules apply to freight on the Margaret Soutar and on passenger car decks. "
            "Freight must be booked through Annick Freight Services at least 48 hours before sailing. "
            "Unbooked freight is loaded only if deck space remains after booked traffic. "
            "The rates for each cargo class are shown in the table below.",
            "Dangerous goods. "
            "Fuel in jerrycans is limited to 20 litres per vehicle and must be declared at check-in. "
            "Gas cylinders must be secured upright in the cage on the upper car deck. "
            "Fireworks and explosives are never carried on passenger sailings. "
            "Hazardous cargo sails only on the Margaret Soutar. "
            "The Margaret Soutar leaves Fishmarket Pier at 05:30 on Mondays and Thursdays.",
            "Livestock and contacts. "
            "Livestock must travel in closed trailers with at least 10 centimetres of bedding. "
            "Animals may not remain on board for more than 4 hours. "
            "Freight manager: Ingrid Bj\u00f8rnstad. "
            "Freight clerk: Ra\u00fal Ib\u00e1\u00f1ez-Moreno. "
            "Enquiries to freight@annickfreight.example or +49 40 555017. "
            "Freight invoices are payable to IBAN DE34 2005 0550 1234 5678 90.",
        ],
        tables=[
            Table(
                header=["Cargo class", "Max load per unit", "Rate per tonne"],
                rows=[
                    ["A - general goods", "18 tonnes", "\u00a324.00"],
                    ["B - refrigerated", "16 tonnes", "\u00a331.50"],
                    ["C - livestock", "10 tonnes", "\u00a327.75"],
                    ["D - hazardous", "8 tonnes", "\u00a346.20"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Ingrid Bj\u00f8rnstad"),
            Pii("PERSON", "Ra\u00fal Ib\u00e1\u00f1ez-Moreno"),
            Pii("EMAIL_ADDRESS", "freight@annickfreight.example"),
            Pii("PHONE_NUMBER", "+49 40 555017"),
            Pii("IBAN_CODE", "DE34 2005 0550 1234 5678 90"),
        ],
        keep=[
            "Cargo and Freight Rules",
            "Skerrow Island Ferries",
            "Margaret Soutar",
            "Annick Freight Services",
            "Fishmarket Pier",
        ],
    ),
    Document(
        tenant=T,
        filename="lighthouse_report.pdf",
        format="pdf",
        title="Morag Head Lighthouse - Annual Report",
        pages=[
            "Morag Head Lighthouse stands on the northern tip of Inchmurran. "
            "The tower is 31 metres tall and was first lit in 1871. "
            "Its light shows two white flashes every 15 seconds. "
            "In clear weather the light can be seen from 19 nautical miles. "
            "The table below lists this year's inspections.",
            "Maintenance and visits. "
            "The fog signal sounds one long blast every 45 seconds in poor visibility. "
            "The lighthouse has been fully automatic since 1998. "
            "It is monitored around the clock from the Port Annick Harbour Office. "
            "The former keepers' cottages are now a visitor centre run by the Inchmurran Community Trust. "
            "Guided tours climb 142 steps to the lantern gallery. "
            "The budget for next year's masonry work is 84,000 pounds.",
        ],
        tables=[
            Table(
                header=["Date", "Inspection", "Result"],
                rows=[
                    ["12 January", "Lamp and lens", "Passed"],
                    ["3 April", "Fog signal", "Repaired"],
                    ["21 July", "Solar panels", "Passed"],
                    ["9 October", "Tower masonry", "Repointing due"],
                ],
            )
        ],
        keep=[
            "Morag Head Lighthouse",
            "Inchmurran",
            "Port Annick Harbour Office",
            "Inchmurran Community Trust",
        ],
    ),
    # ------------------------------------------------------------------ docx
    Document(
        tenant=T,
        filename="crew_contacts.docx",
        format="docx",
        title="Fleet Crew and Office Contacts",
        paragraphs=[
            "This list is for internal use by Skerrow Island Ferries staff only and is kept by the "
            "Port Annick Harbour Office.",
            "Harbourmaster: Alasdair Lindqvist-Munro, mobile 07700 900418.",
            "Deputy harbourmaster: Siobhán Ní Dhubhghaill.",
            "Bookkeeping: Ffion Aldridge-Mears, payroll@skerrowferries.example.",
            "Out-of-hours operations line: +44 20 7946 0412.",
            "Crew wages are paid from the company account IBAN GB02 SKRW 4012 3456 7890 12.",
            "The fuel card for the Captain Hollis is 4242 4242 4242 4242; it may only be used at the "
            "Fishmarket Pier fuel berth.",
            "Masters, chief engineers and crew numbers for each vessel:",
        ],
        tables=[
            Table(
                header=["Vessel", "Master", "Chief engineer", "Crew"],
                rows=[
                    ["Lady Elspeth Caird", "Hamish Drummond", "Kasia Zielińska", "14"],
                    ["Morven Star", "Jón Guðmundsson", "Peter Owusu-Ansah", "9"],
                    ["Duchess of Tarrasay", "Marguerite Lefèvre-Daly", "Tomasz Nowak", "11"],
                    ["Captain Hollis", "Neil Bannerman", "Aoife Brennan", "4"],
                    ["Margaret Soutar", "Ruairi McPhail", "Yusuf Demir", "6"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Alasdair Lindqvist-Munro"),
            Pii("PHONE_NUMBER", "07700 900418"),
            Pii("PERSON", "Siobhán Ní Dhubhghaill"),
            Pii("PERSON", "Ffion Aldridge-Mears"),
            Pii("EMAIL_ADDRESS", "payroll@skerrowferries.example"),
            Pii("PHONE_NUMBER", "+44 20 7946 0412"),
            Pii("IBAN_CODE", "GB02 SKRW 4012 3456 7890 12"),
            Pii("CREDIT_CARD", "4242 4242 4242 4242"),
            Pii("PERSON", "Hamish Drummond"),
            Pii("PERSON", "Kasia Zielińska"),
            Pii("PERSON", "Jón Guðmundsson"),
            Pii("PERSON", "Peter Owusu-Ansah"),
            Pii("PERSON", "Marguerite Lefèvre-Daly"),
            Pii("PERSON", "Tomasz Nowak"),
            Pii("PERSON", "Neil Bannerman"),
            Pii("PERSON", "Aoife Brennan"),
            Pii("PERSON", "Ruairi McPhail"),
            Pii("PERSON", "Yusuf Demir"),
        ],
        keep=[
            "Fleet Crew and Office Contacts",
            "Skerrow Island Ferries",
            "Port Annick Harbour Office",
            "Captain Hollis",
            "Fishmarket Pier",
            "Lady Elspeth Caird",
            "Morven Star",
            "Duchess of Tarrasay",
            "Margaret Soutar",
        ],
    ),
    # conflicting pair B: the inner-harbour speed limit changed (6 -> 5 knots)
    Document(
        tenant=T,
        filename="speed_limit_notice_january.docx",
        format="docx",
        title="Notice to Mariners 14 - Harbour Speed Limit",
        paragraphs=[
            "Issued by the Port Annick Harbour Office.",
            "All vessels in the inner harbour, between the Fishmarket Pier breakwater and the Morag "
            "Head leading lights, must not exceed a speed of 6 knots.",
            "Vessels under 12 metres must keep to the north side of the fairway when passing Eliza Quay.",
            "Anchoring is prohibited within 200 metres of the Walter Pier ferry berths.",
            "Report any hazard to the duty harbourmaster on VHF channel 12.",
        ],
        keep=[
            "Notice to Mariners",
            "Port Annick Harbour Office",
            "Fishmarket Pier",
            "Morag Head",
            "Eliza Quay",
            "Walter Pier",
        ],
        order=0,
    ),
    Document(
        tenant=T,
        filename="speed_limit_notice_april.docx",
        format="docx",
        title="Notice to Mariners 14 - Harbour Speed Limit",
        paragraphs=[
            "Issued by the Port Annick Harbour Office.",
            "All vessels in the inner harbour, between the Fishmarket Pier breakwater and the Morag "
            "Head leading lights, must not exceed a speed of 5 knots.",
            "Vessels under 12 metres must keep to the north side of the fairway when passing Eliza Quay.",
            "Anchoring is prohibited within 200 metres of the Walter Pier ferry berths.",
            "Report any hazard to the duty harbourmaster on VHF channel 12.",
        ],
        keep=[
            "Notice to Mariners",
            "Port Annick Harbour Office",
            "Fishmarket Pier",
            "Morag Head",
            "Eliza Quay",
            "Walter Pier",
        ],
        order=1,
    ),
    # ------------------------------------------------------------------ recordings
    Document(
        tenant=T,
        filename="boarding_announcement.wav",
        format="wav",
        sentences=[
            "Good morning and welcome to Port Annick harbour.",
            "The Morven Star to Fennick Isle is now boarding at berth six on Eliza Quay.",
            "This sailing will leave in twenty-five minutes.",
            "Foot passengers, please have your tickets ready at the gate.",
            "The cafe on board is closed today because of a broken oven.",
            "Drivers should follow the yellow lane down to the ramp.",
            "The sea is moderate today, with a swell of about two metres.",
        ],
        keep=["Port Annick", "Morven Star", "Fennick Isle", "Eliza Quay"],
    ),
    Document(
        tenant=T,
        filename="harbourmaster_briefing.mp3",
        format="mp3",
        sentences=[
            "This is the harbourmaster with the morning briefing for Thursday.",
            "High water at Port Annick is at eleven twenty this morning.",
            "The wind is from the south west at twenty-two knots.",
            "The Fishmarket Pier is closed until Friday for crane repairs.",
            "A dredger will work near the harbour mouth all day.",
            "Small boats must keep fifty metres away from the dredger.",
            "Fuel at the harbour pump costs one pound forty-two per litre.",
        ],
        keep=["Port Annick", "Fishmarket Pier"],
    ),
    # ------------------------------------------------------------------ pictures
    Document(
        tenant=T,
        filename="pier_sign.png",
        format="png",
        lines=[
            "Walter Pier - Berths 1 to 3",
            "Inchmurran ferry: Berth 2",
            "Vehicle height limit: 4.2 m",
            "No fishing from the pier",
            "Harbour Office: 50 m ahead",
        ],
        keep=["Walter Pier", "Inchmurran", "Harbour Office"],
    ),
    Document(
        tenant=T,
        filename="lost_property_notice.jpg",
        format="jpg",
        lines=[
            "LOST PROPERTY - Port Annick",
            "Found items are kept for 28 days",
            "Collect from: Harbour Office, Desk B",
            "Duty officer: Callum Reddaway",
            "Tel: 0131 496 0592",
        ],
        pii=[Pii("PERSON", "Callum Reddaway"), Pii("PHONE_NUMBER", "0131 496 0592")],
        keep=["Port Annick", "Harbour Office"],
    ),
    Document(
        tenant=T,
        filename="ticket_office.webp",
        format="webp",
        lines=[
            "SKERROW ISLAND FERRIES",
            "Ticket Office - Walter Pier",
            "Mon-Sat: 06:15 - 20:00",
            "Sunday: 08:00 - 18:00",
            "Card payments only",
            "Wi-Fi code: GULL-4471",
        ],
        keep=["SKERROW ISLAND FERRIES", "Ticket Office", "Walter Pier"],
    ),
    # ------------------------------------------------------------------ videos
    Document(
        tenant=T,
        filename="safety_briefing.mp4",
        format="mp4_speech",
        title="Safety Briefing",
        sentences=[
            "Welcome aboard the Lady Elspeth Caird, sailing to Inchmurran.",
            "Life jackets are stored under the seats in the main lounge.",
            "In an emergency you will hear seven short blasts and one long blast.",
            "If you hear this signal, go to your muster station on deck three.",
            "Life jackets for children are kept at the information desk.",
            "Smoking is only allowed on the open deck at the stern.",
            "Thank you, and enjoy the crossing.",
        ],
        keep=["Lady Elspeth Caird", "Inchmurran"],
    ),
    Document(
        tenant=T,
        filename="lighthouse_tours.mp4",
        format="mp4_slides",
        title="Morag Head Lighthouse Tours",
        slides=[
            Slide(["Morag Head Lighthouse Tours", "Run by the Community Trust", "April to October"], 6.0),
            Slide(["Tour times", "Daily at 11:00 and 14:30", "Each tour lasts 50 minutes"], 6.0),
            Slide(["Tickets", "Adult ticket: 12.50 GBP", "Child ticket: 6.00 GBP"], 6.0),
            Slide(["Please note", "Minimum age: 6 years", "Wear sturdy shoes"], 6.0),
        ],
        keep=["Morag Head Lighthouse Tours"],
    ),
]


def _q(id: str, split: str, kind: str, question: str, expected: Expected, **kw) -> Question:
    return Question(id=id, tenant=T, split=split, kind=kind, question=question, expected=expected, **kw)


def _chat(id: str, split: str, turns: list[str], expected: Expected, **kw) -> Question:
    return Question(id=id, tenant=T, split=split, kind="chat", turns=turns, expected=expected, **kw)


def _abstain(id: str, split: str, kind: str, question: str, **kw) -> Question:
    return Question(id=id, tenant=T, split=split, kind=kind, question=question, abstain=True, **kw)


QUESTIONS: list[Question] = [
    # ------------------------------------------------------------------ prose (8)
    _q(
        "h001",
        "dev",
        "prose",
        "In summer, until what time in the evening is the Port Annick Harbour Office open?",
        Expected([["19:30", "7:30 pm", "7.30 pm", "7:30pm", "19.30"]], "harbour_guide.txt"),
        keep=["Port Annick Harbour Office"],
    ),
    _q(
        "h002",
        "test",
        "prose",
        "How long before sailing do drivers have to be in the vehicle marshalling lane?",
        Expected([["40", "forty"]], "harbour_guide.txt"),
    ),
    _q(
        "h003",
        "dev",
        "prose",
        "What does a day of long-stay parking at Cooper's Yard cost?",
        Expected([["6.50"]], "harbour_guide.txt"),
        keep=["Cooper's Yard"],
    ),
    _q(
        "h004",
        "test",
        "prose",
        "How much is a large left-luggage locker for one day?",
        Expected([["5", "five"]], "harbour_guide.txt"),
    ),
    _q(
        "h005",
        "dev",
        "prose",
        "What percentage discount was applied to group booking SKF-88412?",
        Expected([["15"]], "group_booking_confirmation.txt"),
    ),
    _q(
        "h006",
        "test",
        "prose",
        "How tall is the tower of Morag Head Lighthouse?",
        Expected([["31"]], "lighthouse_report.pdf", page=1),
        keep=["Morag Head Lighthouse"],
    ),
    _q(
        "h007",
        "dev",
        "prose",
        "In poor visibility, how often does the Morag Head fog signal give its blast?",
        Expected([["45", "forty-five", "forty five"]], "lighthouse_report.pdf", page=2),
        keep=["Morag Head"],
    ),
    _q(
        "h008",
        "test",
        "prose",
        "What is the limit on fuel carried in jerrycans per vehicle?",
        Expected([["20", "twenty"]], "cargo_rules.pdf", page=2),
    ),
    # ------------------------------------------------------------------ table (7)
    _q(
        "h009",
        "dev",
        "table",
        "In the summer timetable, when is the first departure from Port Annick to Fennick Isle?",
        Expected([["07:30", "7:30", "7.30"]], "timetable_summer.md"),
        keep=["Port Annick", "Fennick Isle"],
    ),
    _q(
        "h010",
        "test",
        "table",
        "How long does the crossing from Port Annick to Tarrasay take?",
        Expected(
            [
                [
                    "1 h 50",
                    "1 hour 50",
                    "one hour 50",
                    "one hour and 50",
                    "1 hour and 50",
                    "110",
                    "1h 50",
                    "1h50",
                ]
            ],
            "timetable_summer.md",
        ),
        keep=["Port Annick", "Tarrasay"],
    ),
    _q(
        "h011",
        "dev",
        "table",
        "How many cars can the Morven Star take on board?",
        Expected([["22"]], "about_us.html"),
        keep=["Morven Star"],
    ),
    _q(
        "h012",
        "test",
        "table",
        "What is the per-tonne rate for refrigerated cargo?",
        Expected([["31.50"]], "cargo_rules.pdf", page=1),
    ),
    _q(
        "h013",
        "dev",
        "table",
        "How many crew members serve on the Duchess of Tarrasay?",
        Expected([["11", "eleven"]], "crew_contacts.docx"),
        keep=["Duchess of Tarrasay"],
    ),
    _q(
        "h014",
        "test",
        "table",
        "What is the price of a Commuter Monthly pass?",
        Expected([["96"]], "season_passes.html"),
        keep=["Commuter Monthly"],
    ),
    _q(
        "h015",
        "dev",
        "table",
        "What was the outcome of the fog signal inspection at Morag Head on 3 April?",
        Expected([["repaired"]], "lighthouse_report.pdf", page=1),
        keep=["Morag Head"],
    ),
    # ------------------------------------------------------------------ spoken_number (4)
    _q(
        "h016",
        "dev",
        "spoken_number",
        "According to the boarding announcement, in how many minutes will the Fennick Isle sailing leave?",
        Expected([["25", "twenty-five", "twenty five"]], "boarding_announcement.wav", sentence=2),
        keep=["Fennick Isle"],
    ),
    _q(
        "h017",
        "test",
        "spoken_number",
        "At what time is high water at Port Annick in the harbourmaster's briefing?",
        Expected([["11:20", "11.20", "11 20", "eleven twenty"]], "harbourmaster_briefing.mp3", sentence=1),
        keep=["Port Annick"],
    ),
    _q(
        "h018",
        "dev",
        "spoken_number",
        "How strong is the wind in the harbourmaster's morning briefing?",
        Expected([["22", "twenty-two", "twenty two"]], "harbourmaster_briefing.mp3", sentence=2),
    ),
    _q(
        "h019",
        "test",
        "spoken_number",
        "What is the price per litre of fuel at the harbour pump?",
        Expected(
            [["1.42", "one pound forty-two", "one pound forty two", "1 pound 42", "142"]],
            "harbourmaster_briefing.mp3",
            sentence=6,
        ),
    ),
    # ------------------------------------------------------------------ speech (4)
    _q(
        "h020",
        "dev",
        "speech",
        "Why is the on-board cafe closed on the sailing in the boarding announcement?",
        Expected([["oven"]], "boarding_announcement.wav", sentence=4),
    ),
    _q(
        "h021",
        "test",
        "speech",
        "Which colour lane should drivers follow to reach the ramp?",
        Expected([["yellow"]], "boarding_announcement.wav", sentence=5),
    ),
    _q(
        "h022",
        "dev",
        "speech",
        "For what reason is the Fishmarket Pier closed until Friday?",
        Expected([["crane"]], "harbourmaster_briefing.mp3", sentence=3),
        keep=["Fishmarket Pier"],
    ),
    _q(
        "h023",
        "test",
        "speech",
        "Where are the life jackets kept in the main lounge of the Lady Elspeth Caird?",
        Expected([["seat"]], "safety_briefing.mp4", sentence=1),
        keep=["Lady Elspeth Caird"],
    ),
    # ------------------------------------------------------------------ slide (4)
    _q(
        "h024",
        "dev",
        "slide",
        "At what times of day do the Morag Head lighthouse tours start?",
        Expected(
            [["11:00", "11 am", "11am", "11.00"], ["14:30", "2:30", "2.30", "14.30"]],
            "lighthouse_tours.mp4",
            slide=1,
        ),
        keep=["Morag Head"],
    ),
    _q(
        "h025",
        "test",
        "slide",
        "How many minutes does one lighthouse tour last?",
        Expected([["50", "fifty"]], "lighthouse_tours.mp4", slide=1),
    ),
    _q(
        "h026",
        "dev",
        "slide",
        "What does an adult pay for a lighthouse tour ticket?",
        Expected([["12.50"]], "lighthouse_tours.mp4", slide=2),
    ),
    _q(
        "h027",
        "test",
        "slide",
        "What minimum age applies to the lighthouse tours?",
        Expected([["6", "six"]], "lighthouse_tours.mp4", slide=3),
    ),
    # ------------------------------------------------------------------ image (4)
    _q(
        "h028",
        "dev",
        "image",
        "What vehicle height limit is posted on the Walter Pier sign?",
        Expected([["4.2"]], "pier_sign.png"),
        keep=["Walter Pier"],
    ),
    _q(
        "h029",
        "test",
        "image",
        "At which desk of the harbour office can found items be collected?",
        Expected([["Desk B"]], "lost_property_notice.jpg"),
    ),
    _q(
        "h030",
        "dev",
        "image",
        "What are the ticket office opening hours on Sunday?",
        Expected(
            [["08:00", "8:00", "8 am", "8am", "8.00"], ["18:00", "6 pm", "6pm", "6:00", "18.00"]],
            "ticket_office.webp",
        ),
    ),
    _q(
        "h031",
        "test",
        "image",
        "What is the Wi-Fi code shown at the ticket office?",
        Expected([["GULL-4471", "GULL 4471", "GULL4471"]], "ticket_office.webp"),
    ),
    # ------------------------------------------------------------------ chat (4)
    _chat(
        "h032",
        "dev",
        [
            "Which ship sails between Inchmurran and Fennick Isle?",
            "How many passengers is it licensed to carry?",
        ],
        Expected([["96"]], "about_us.html"),
        keep=["Captain Hollis", "Inchmurran", "Fennick Isle"],
    ),
    _chat(
        "h033",
        "test",
        [
            "Which vessel is the only one allowed to carry hazardous cargo?",
            "On which days does it leave Fishmarket Pier?",
        ],
        Expected([["Monday"], ["Thursday"]], "cargo_rules.pdf", page=2),
        keep=["Margaret Soutar", "Fishmarket Pier"],
    ),
    _chat(
        "h034",
        "dev",
        ["Which season pass gives unlimited foot travel from May to September?", "How much does it cost?"],
        Expected([["189"]], "season_passes.html"),
        keep=["Summer Rover"],
    ),
    _chat(
        "h035",
        "test",
        ["Which ship is group booking SKF-88412 travelling on?", "From which quay does it depart?"],
        Expected([["Eliza Quay"]], "group_booking_confirmation.txt"),
        keep=["Duchess of Tarrasay", "Eliza Quay"],
    ),
    # ------------------------------------------------------------------ conflict (3)
    _q(
        "h036",
        "dev",
        "conflict",
        "What is the single fare for a car and driver from Port Annick to Inchmurran?",
        Expected([["41.20"]], "fare_notice_june.txt"),
        must_not=["38.50"],
        keep=["Port Annick", "Inchmurran"],
    ),
    _q(
        "h037",
        "test",
        "conflict",
        "What speed must vessels stay under in the inner harbour at Port Annick?",
        Expected([["5 knots", "five knots", "5 kn"]], "speed_limit_notice_april.docx"),
        must_not=["6 knots", "six knots"],
        keep=["Port Annick"],
    ),
    _q(
        "h038",
        "dev",
        "conflict",
        "On the Inchmurran route, what does a single ticket cost for a ten-year-old child?",
        Expected([["3.60"]], "fare_notice_june.txt"),
        keep=["Inchmurran"],
    ),
    # ------------------------------------------------------------------ named (5)
    _q(
        "h039",
        "test",
        "named",
        "How many passengers is the Lady Elspeth Caird licensed to carry?",
        Expected([["420"]], "about_us.html"),
        keep=["Lady Elspeth Caird"],
    ),
    _q(
        "h040",
        "dev",
        "named",
        "How far ahead must freight be booked with Annick Freight Services?",
        Expected([["48", "forty-eight", "two days"]], "cargo_rules.pdf", page=1),
        keep=["Annick Freight Services"],
    ),
    _q(
        "h041",
        "test",
        "named",
        "In what year did the Inchmurran Community Trust found Skerrow Island Ferries?",
        Expected([["1962"]], "about_us.html"),
        keep=["Inchmurran Community Trust", "Skerrow Island Ferries"],
    ),
    _q(
        "h042",
        "dev",
        "named",
        "How much does the Car Saver 6 pass cost?",
        Expected([["205"]], "season_passes.html"),
        keep=["Car Saver 6"],
    ),
    _q(
        "h043",
        "test",
        "named",
        "Which ale sells best at the Galley Bar?",
        Expected([["Auld Hamish"]], "harbour_guide.txt"),
        keep=["Galley Bar", "Auld Hamish"],
    ),
    # ------------------------------------------------------------------ off_corpus (7)
    _abstain("h044", "dev", "off_corpus", "What is the capital of Peru?"),
    _abstain("h045", "test", "off_corpus", "What is the usual adult dose of ibuprofen for a headache?"),
    _abstain("h046", "dev", "off_corpus", "Which hop varieties give a pale ale its citrus aroma?"),
    _abstain("h047", "test", "off_corpus", "Who wrote the novel Pride and Prejudice?"),
    _abstain("h048", "dev", "off_corpus", "How do I reset the password on my home Wi-Fi router?"),
    _abstain("h049", "test", "off_corpus", "At what temperature in Fahrenheit does water boil at sea level?"),
    _abstain("h050", "dev", "off_corpus", "How many players are on a rugby union team?"),
    # ------------------------------------------------------------------ near_topic (7)
    _abstain(
        "h051",
        "test",
        "near_topic",
        "Who designed the Morag Head Lighthouse?",
        keep=["Morag Head Lighthouse"],
    ),
    _abstain(
        "h052",
        "dev",
        "near_topic",
        "What is the fax number of the Port Annick Harbour Office?",
        keep=["Port Annick Harbour Office"],
    ),
    _abstain("h053", "test", "near_topic", "What is the top speed of the Morven Star?", keep=["Morven Star"]),
    _abstain("h054", "dev", "near_topic", "What is the fine for breaking the inner harbour speed limit?"),
    _abstain(
        "h055",
        "test",
        "near_topic",
        "How much does it cost to take a dog on the Inchmurran ferry?",
        keep=["Inchmurran"],
    ),
    _abstain(
        "h056",
        "dev",
        "near_topic",
        "What is the gross tonnage of the Duchess of Tarrasay?",
        keep=["Duchess of Tarrasay"],
    ),
    _abstain("h057", "test", "near_topic", "In what year was Walter Pier built?", keep=["Walter Pier"]),
]
