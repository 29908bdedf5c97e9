"""The answer suite's "brewery" tenant: Hollowmere Brewing Company, a fictional small brewery at
Kettleby Yard in Copperbeck (beers, tanks, tours, suppliers, safety rules, deliveries). Every fact,
place, company and person here is invented."""

from __future__ import annotations

from bench.answer_suite.schema import Document, Expected, Pii, Question, Slide, Table

T = "brewery"

DOCUMENTS: list[Document] = [
    # --- txt: history (prose) -------------------------------------------------------------
    Document(
        tenant=T,
        filename="brewery_history.txt",
        format="txt",
        title="Hollowmere Brewing Company: Our Story",
        paragraphs=[
            "Hollowmere Brewing Company was founded in 2011 in the old tannery on Wren Street in "
            "Copperbeck. The first brew was a small batch of Copperbeck Bitter made on a second-hand "
            "ten-barrel kit bought from the Pellworth Arms.",
            "The founders, Rosalind Achterberg and Matthias Kjølbæk, met while working as coopers at "
            "the Duncairn Cooperage.",
            "In 2016 the brewery moved to Kettleby Yard, a former railway goods shed, which gave room "
            "for six fermenting vessels and a bottling line.",
            "Our best known beer, Old Gregor, is named after the clock tower above the goods shed, "
            "which the people of Copperbeck have called Old Gregor since 1902. Old Gregor won the "
            "gold medal at the Marrowfield Beer Festival in 2019.",
            "The brewing water comes from the Skelling Spring borehole, which was drilled to a depth "
            "of 84 metres in 2017.",
            "Spent grain from every brew goes to Larchfield Farm, where it feeds a herd of Dexter cattle.",
            "In 2022 Hollowmere became the first brewery in the county to heat its brew kettle with "
            "a wood-chip boiler, which the brewers nicknamed Brother Cuthbert.",
        ],
        pii=[Pii("PERSON", "Rosalind Achterberg"), Pii("PERSON", "Matthias Kjølbæk")],
        keep=[
            "Hollowmere Brewing Company",
            "Copperbeck",
            "Wren Street",
            "Copperbeck Bitter",
            "Pellworth Arms",
            "Duncairn Cooperage",
            "Kettleby Yard",
            "Old Gregor",
            "Marrowfield Beer Festival",
            "Skelling Spring",
            "Larchfield Farm",
            "Brother Cuthbert",
        ],
    ),
    # --- conflicting notice pair 2: trade delivery cut-off (txt older, md newer) ------------
    Document(
        tenant=T,
        filename="delivery_notice_old.txt",
        format="txt",
        title="Trade Delivery Notice",
        paragraphs=[
            "Trade orders for next week's deliveries must reach the Hollowmere brewery office by "
            "4 pm on the Tuesday before.",
            "Orders that arrive after the cut-off are delivered one week later.",
            "The minimum trade order is four firkins or two kegs.",
            "Empty casks are collected on the same round, so please label them with the name of your pub.",
            "Trade invoices are payable within 30 days to IBAN BE68 5390 0754 7034.",
            "Trade desk: trade@hollowmere-brewing.example, +44 20 7946 0312.",
        ],
        pii=[
            Pii("IBAN_CODE", "BE68 5390 0754 7034"),
            Pii("EMAIL_ADDRESS", "trade@hollowmere-brewing.example"),
            Pii("PHONE_NUMBER", "+44 20 7946 0312"),
        ],
        keep=["Trade Delivery Notice", "Hollowmere"],
        order=0,
    ),
    Document(
        tenant=T,
        filename="delivery_notice_new.md",
        format="md",
        title="Trade Delivery Notice",
        paragraphs=[
            "Trade orders for next week's deliveries must reach the Hollowmere brewery office by "
            "1 pm on the Tuesday before.",
            "Orders that arrive after the cut-off are delivered one week later.",
            "The minimum trade order is four firkins or two kegs.",
            "Empty casks are collected on the same round, so please label them with the name of your pub.",
            "The Friday round to Saltby is now driven in our second van, Lady Elsbeth.",
            "Trade invoices are payable within 30 days to IBAN BE68 5390 0754 7034.",
            "Trade desk: trade@hollowmere-brewing.example, +44 20 7946 0312.",
        ],
        pii=[
            Pii("IBAN_CODE", "BE68 5390 0754 7034"),
            Pii("EMAIL_ADDRESS", "trade@hollowmere-brewing.example"),
            Pii("PHONE_NUMBER", "+44 20 7946 0312"),
        ],
        keep=["Trade Delivery Notice", "Hollowmere", "Saltby", "Lady Elsbeth"],
        order=1,
    ),
    # --- md: beer range (table) ---------------------------------------------------------------
    Document(
        tenant=T,
        filename="beer_range.md",
        format="md",
        title="Core Beer Range",
        paragraphs=[
            "All Hollowmere beers are unfiltered and brewed at Kettleby Yard. Strengths are given as "
            "alcohol by volume and bitterness in IBU.",
            "Old Gregor is conditioned in the cellar for five weeks before release, the longest of "
            "any beer in the range.",
        ],
        tables=[
            Table(
                ["Beer", "Style", "ABV", "IBU", "Pack"],
                [
                    ["Copperbeck Bitter", "Best bitter", "4.0%", "32", "Cask"],
                    ["Captain Harrow", "Pale ale", "4.4%", "38", "Cask, can"],
                    ["Old Gregor", "Old ale", "6.2%", "41", "Cask, bottle"],
                    ["Widow Marchbank", "Porter", "5.6%", "29", "Cask, bottle"],
                    ["Young Tobias", "Helles lager", "4.7%", "18", "Keg, can"],
                    ["Sister Perpetua", "Tripel", "8.4%", "27", "Bottle"],
                    ["Fennick Gold", "Golden ale", "3.8%", "24", "Cask"],
                ],
            )
        ],
        keep=[
            "Core Beer Range",
            "Hollowmere",
            "Kettleby Yard",
            "Old Gregor",
            "Copperbeck Bitter",
            "Captain Harrow",
            "Widow Marchbank",
            "Young Tobias",
            "Sister Perpetua",
            "Fennick Gold",
        ],
    ),
    # --- html: About us -----------------------------------------------------------------------
    Document(
        tenant=T,
        filename="about_us.html",
        format="html",
        title="About us",
        paragraphs=[
            "Hollowmere Brewing Company is an independent brewery at Kettleby Yard in Copperbeck. "
            "Our taproom, The Marjorie Room, seats 60 guests.",
            "We employ fourteen people and brew about 3,200 hectolitres of beer a year.",
            "We are members of the Northern Independent Brewers Guild and hold the Clean Cask award "
            "from the Cellarcraft Society.",
            "Head brewer: Zofia Wiśniewska-Hart",
            "Taproom manager: Fergus Oyelaran-Blythe",
            "Bookkeeping: Ingeborg Sæther",
            "Press enquiries: press@hollowmere-brewing.example or +44 113 496 0521",
        ],
        tables=[
            Table(
                ["Day", "Taproom hours"],
                [
                    ["Monday", "Closed"],
                    ["Tuesday to Thursday", "16:00 - 22:00"],
                    ["Friday", "14:00 - 23:00"],
                    ["Saturday", "12:00 - 23:00"],
                    ["Sunday", "12:00 - 18:00"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Zofia Wiśniewska-Hart"),
            Pii("PERSON", "Fergus Oyelaran-Blythe"),
            Pii("PERSON", "Ingeborg Sæther"),
            Pii("EMAIL_ADDRESS", "press@hollowmere-brewing.example"),
            Pii("PHONE_NUMBER", "+44 113 496 0521"),
        ],
        keep=[
            "About us",
            "Hollowmere Brewing Company",
            "Kettleby Yard",
            "Copperbeck",
            "The Marjorie Room",
            "Northern Independent Brewers Guild",
            "Clean Cask",
            "Cellarcraft Society",
        ],
    ),
    # --- conflicting notice pair 1: tour prices (html older, html newer) -----------------------
    Document(
        tenant=T,
        filename="tour_tickets_spring.html",
        format="html",
        title="Brewery Tours and Tickets",
        paragraphs=[
            "Guided tours of the Hollowmere brewhouse start at the Signal Box gate of Kettleby Yard.",
            "Tours run at 11:00, 14:00 and 16:30 on Fridays, Saturdays and Sundays and last 75 minutes.",
            "Every tour ends with four tasting samples in The Marjorie Room.",
            "Children under 12 may join free of charge and are given soft drinks instead of samples.",
            "Group bookings of ten or more: Priya Raghunathan-Doyle, tours@hollowmere-brewing.example",
        ],
        tables=[
            Table(
                ["Ticket", "Price"],
                [
                    ["Standard tour", "£16.50"],
                    ["Tasting Masterclass", "£32.00"],
                    ["Designated driver", "£9.00"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Priya Raghunathan-Doyle"),
            Pii("EMAIL_ADDRESS", "tours@hollowmere-brewing.example"),
        ],
        keep=[
            "Brewery Tours and Tickets",
            "Hollowmere",
            "Signal Box",
            "Kettleby Yard",
            "The Marjorie Room",
            "Tasting Masterclass",
        ],
        order=0,
    ),
    Document(
        tenant=T,
        filename="tour_tickets_summer.html",
        format="html",
        title="Brewery Tours and Tickets",
        paragraphs=[
            "Guided tours of the Hollowmere brewhouse start at the Signal Box gate of Kettleby Yard.",
            "Tours run at 11:00, 14:00 and 16:30 on Fridays, Saturdays and Sundays and last 75 minutes.",
            "Every tour ends with four tasting samples in The Marjorie Room.",
            "Children under 12 may join free of charge and are given soft drinks instead of samples.",
            "Group bookings of ten or more: Priya Raghunathan-Doyle, tours@hollowmere-brewing.example",
        ],
        tables=[
            Table(
                ["Ticket", "Price"],
                [
                    ["Standard tour", "£18.75"],
                    ["Tasting Masterclass", "£32.00"],
                    ["Designated driver", "£9.00"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Priya Raghunathan-Doyle"),
            Pii("EMAIL_ADDRESS", "tours@hollowmere-brewing.example"),
        ],
        keep=[
            "Brewery Tours and Tickets",
            "Hollowmere",
            "Signal Box",
            "Kettleby Yard",
            "The Marjorie Room",
            "Tasting Masterclass",
        ],
        order=1,
    ),
    # --- pdf: safety manual (3 pages) ----------------------------------------------------------
    Document(
        tenant=T,
        filename="safety_rules.pdf",
        format="pdf",
        title="Brewhouse Safety Rules",
        pages=[
            "Brewhouse Safety Rules. These rules apply to everyone at Kettleby Yard, including "
            "visitors and contractors. The table below lists the protective equipment and the entry "
            "rule for each area of the brewery",
            "Carbon dioxide. The CO2 alarm in the fermenting hall sounds at 5000 ppm. When the alarm "
            "sounds, leave by the Signal Box door. Gather at the muster point beside the Skelling "
            "Spring pump house. Do not go back in until the duty manager gives the all clear",
            "Cleaning chemicals. Caustic soda for cleaning in place is mixed at 2 percent strength. "
            "Spills are treated with the citric acid kit in the red cabinet by the mash tun. "
            "Safety officer: Íñigo Zubizarreta. Fire warden: Mathilde Lefèvre-Aubry",
        ],
        tables=[
            Table(
                ["Area", "Required PPE", "Entry rule"],
                [
                    ["Brewhouse floor", "Steel toe boots", "Trained staff only"],
                    ["Cold store", "Thermal gloves", "Two people minimum"],
                    ["Chemical store", "Face visor, gauntlets", "Key from duty manager"],
                    ["Bottling line", "Ear defenders", "Guards closed"],
                    ["Grain loft", "FFP2 dust mask", "No naked flames"],
                ],
            )
        ],
        pii=[Pii("PERSON", "Íñigo Zubizarreta"), Pii("PERSON", "Mathilde Lefèvre-Aubry")],
        keep=["Brewhouse Safety Rules", "Kettleby Yard", "Signal Box", "Skelling Spring"],
    ),
    # --- pdf: tank register (2 pages) ----------------------------------------------------------
    Document(
        tenant=T,
        filename="tank_register.pdf",
        format="pdf",
        title="Tank Register",
        pages=[
            "Tank Register. Kettleby Yard brewhouse, revised for the spring inspection. All "
            "fermenting vessels are jacketed stainless steel tanks made by Orrin Vessel Works",
            "Maintenance. The pressure relief valves on every vessel are tested every six months by "
            "Calder Boiler Inspection. FV4 Little Ned was added in 2021 for small trial batches. The "
            "hot liquor tank is descaled each February. Tank records are kept by the cellar "
            "supervisor, Ingrid Ødegård-Brandt",
        ],
        tables=[
            Table(
                ["Vessel", "Capacity", "Main use"],
                [
                    ["FV1 Aunt Hilda", "2,400 litres", "Lager"],
                    ["FV2 Big Maud", "3,600 litres", "Pale and bitter"],
                    ["FV3 Duchess", "3,300 litres", "Old Gregor"],
                    ["FV4 Little Ned", "1,200 litres", "Trials and specials"],
                    ["BT1 Cold Betty", "4,800 litres", "Bright beer"],
                    ["Hot liquor tank", "5,000 litres", "Brewing water"],
                ],
            )
        ],
        pii=[Pii("PERSON", "Ingrid Ødegård-Brandt")],
        keep=[
            "Tank Register",
            "Kettleby Yard",
            "Orrin Vessel Works",
            "Calder Boiler Inspection",
            "Little Ned",
            "Aunt Hilda",
            "Big Maud",
            "Duchess",
            "Old Gregor",
            "Cold Betty",
        ],
    ),
    # --- docx: suppliers ------------------------------------------------------------------------
    Document(
        tenant=T,
        filename="approved_suppliers.docx",
        format="docx",
        title="Approved Suppliers",
        paragraphs=[
            "This list is reviewed every quarter by the purchasing team at Hollowmere Brewing Company.",
            "Purchasing lead: Dagny Halvorsen-Reyes",
            "Account contact at Fenlow Maltings: Bartholomew Quayle, orders@fenlow-maltings.example, "
            "+49 89 4629 1175",
            "Supplier invoices are paid from our account IBAN ES91 2100 0418 4502 0005 1332.",
            "Small orders are paid with the purchasing card 5105 1051 0510 5100; hop contract "
            "deposits are paid with the card 6011 1111 1111 1117.",
        ],
        tables=[
            Table(
                ["Supplier", "Supplies", "Lead time", "Location"],
                [
                    ["Fenlow Maltings", "Pale and crystal malt", "5 days", "Brackenhurst"],
                    ["Gideon Marsh Hop Growers", "Whole leaf hops", "10 days", "Tollby Vale"],
                    ["Clearspring Yeast Labs", "Liquid yeast", "3 days", "Copperbeck"],
                    ["Dunmore Cask and Keg", "Casks and kegs", "14 days", "Wexley Moor"],
                    ["Pellam Bottle Works", "Bottles and crowns", "21 days", "Pellam"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Dagny Halvorsen-Reyes"),
            Pii("PERSON", "Bartholomew Quayle"),
            Pii("EMAIL_ADDRESS", "orders@fenlow-maltings.example"),
            Pii("PHONE_NUMBER", "+49 89 4629 1175"),
            Pii("IBAN_CODE", "ES91 2100 0418 4502 0005 1332"),
            Pii("CREDIT_CARD", "5105 1051 0510 5100"),
            Pii("CREDIT_CARD", "6011 1111 1111 1117"),
        ],
        keep=[
            "Approved Suppliers",
            "Hollowmere Brewing Company",
            "Fenlow Maltings",
            "Brackenhurst",
            "Gideon Marsh Hop Growers",
            "Tollby Vale",
            "Clearspring Yeast Labs",
            "Copperbeck",
            "Dunmore Cask and Keg",
            "Wexley Moor",
            "Pellam Bottle Works",
            "Pellam",
        ],
    ),
    # --- docx: brew sheet -------------------------------------------------------------------------
    Document(
        tenant=T,
        filename="brew_sheet_old_gregor.docx",
        format="docx",
        title="Brew Sheet: Old Gregor",
        paragraphs=[
            "Batch size: 2,900 litres.",
            "Mash at 67 degrees Celsius for 60 minutes, then sparge with water at 76 degrees.",
            "Boil for 90 minutes.",
            "Ferment with the Clearspring house ale yeast at 19 degrees for ten days.",
            "Original gravity 1.062, final gravity 1.015.",
            "Recipe author: Oona Pietilä-Marsh",
            "Customer orders line: (555) 010-2291",
        ],
        tables=[
            Table(
                ["Ingredient", "Amount", "Added"],
                [
                    ["Fenlow Heritage Pale malt", "620 kg", "Mash"],
                    ["Fenlow Dark Crystal malt", "45 kg", "Mash"],
                    ["Black treacle", "12 kg", "Boil, 15 min left"],
                    ["Tollby Goldings hops", "9 kg", "Start of boil"],
                    ["Marchwood hops", "4 kg", "Boil, 10 min left"],
                ],
            )
        ],
        pii=[Pii("PERSON", "Oona Pietilä-Marsh"), Pii("PHONE_NUMBER", "(555) 010-2291")],
        keep=[
            "Brew Sheet: Old Gregor",
            "Old Gregor",
            "Clearspring",
            "Fenlow Heritage Pale",
            "Fenlow Dark Crystal",
            "Tollby Goldings",
            "Marchwood",
        ],
    ),
    # --- wav: tour guide welcome ----------------------------------------------------------------
    Document(
        tenant=T,
        filename="tour_guide_welcome.wav",
        format="wav",
        sentences=[
            "Welcome to Hollowmere Brewing, and thank you for joining the tour today.",
            "Our brew kettle holds three thousand litres of beer.",
            "We brew five days a week, and each brew day starts at six in the morning.",
            "The grain loft above us stores forty tonnes of malt.",
            "Please stay behind the yellow line when the kettle is boiling.",
            "Guests with a tour ticket get ten percent off in the brewery shop.",
            "Photos are welcome everywhere except on the bottling line.",
        ],
        keep=["Hollowmere Brewing"],
    ),
    # --- mp3: delivery voicemail ----------------------------------------------------------------
    Document(
        tenant=T,
        filename="delivery_voicemail.mp3",
        format="mp3",
        sentences=[
            "Hello, this is the Hollowmere delivery desk with this week's schedule.",
            "On Monday the van goes north to Brindle Cross.",
            "On Thursday it covers the town pubs in Copperbeck.",
            "On Friday it drives to Saltby on the coast.",
            "The van leaves the yard at seven thirty each morning.",
            "Please leave your empty casks by the cellar door.",
            "Each drop is given a twenty minute window.",
        ],
        keep=["Hollowmere", "Brindle Cross", "Copperbeck", "Saltby"],
    ),
    # --- png: cold store sign -------------------------------------------------------------------
    Document(
        tenant=T,
        filename="cold_store_sign.png",
        format="png",
        lines=[
            "COLD STORE - KEEP DOOR CLOSED",
            "Set point: 3 degrees C",
            "Door code: 4471B",
            "Max stay inside: 20 minutes",
            "Emergency release: red handle",
        ],
        keep=["COLD STORE"],
    ),
    # --- jpg: taproom chalkboard (personal data in a picture) ----------------------------------
    Document(
        tenant=T,
        filename="taproom_chalkboard.jpg",
        format="jpg",
        lines=[
            "THE MARJORIE ROOM - ON TAP TODAY",
            "Old Gregor pint: 4.90",
            "Fennick Gold pint: 4.20",
            "Guest cider: Tollby Vale Dry",
            "Duty manager: Callum Ashdown-Reeve",
            "Call 0161 496 0519",
        ],
        pii=[Pii("PERSON", "Callum Ashdown-Reeve"), Pii("PHONE_NUMBER", "0161 496 0519")],
        keep=["THE MARJORIE ROOM", "Old Gregor", "Fennick Gold", "Tollby Vale Dry"],
    ),
    # --- webp: brewhouse whiteboard -------------------------------------------------------------
    Document(
        tenant=T,
        filename="brew_plan_whiteboard.webp",
        format="webp",
        lines=[
            "BREW PLAN - WEEK 14",
            "Mon: Young Tobias into FV1",
            "Wed: Captain Harrow into FV2",
            "Fri: Sister Perpetua into FV4",
            "Yeast count check: 10:30 daily",
        ],
        keep=["BREW PLAN", "Young Tobias", "Captain Harrow", "Sister Perpetua"],
    ),
    # --- mp4_speech: how we brew ----------------------------------------------------------------
    Document(
        tenant=T,
        filename="how_we_brew.mp4",
        format="mp4_speech",
        title="How We Brew",
        sentences=[
            "This short film shows how we brew beer at Hollowmere.",
            "First, the malt is crushed in the mill and mixed with hot water in the mash tun.",
            "The sweet liquid, called wort, is boiled with hops.",
            "Then the wort is cooled, and yeast is added in the fermenting hall.",
            "Our house yeast first came from a monastery in the Vessen Valley.",
            "After fermenting, the beer rests in a cold tank before it goes into casks.",
            "Spent hops are given to the town allotments as compost.",
        ],
        slides=[
            Slide(["How We Brew", "Hollowmere Brewing Company"]),
            Slide(["Mash tun", "Water from Skelling Spring"]),
            Slide(["Fermenting hall", "Six fermenting vessels"]),
        ],
        keep=["How We Brew", "Hollowmere", "Hollowmere Brewing Company", "Vessen Valley", "Skelling Spring"],
    ),
    # --- mp4_slides: autumn releases -------------------------------------------------------------
    Document(
        tenant=T,
        filename="autumn_releases.mp4",
        format="mp4_slides",
        slides=[
            Slide(["Autumn Releases", "Hollowmere Brewing Company"]),
            Slide(["Ember Wren Red Ale", "ABV 5.1%", "Out 12 September"]),
            Slide(["Granny Pettigrew Stout", "Oat and cocoa, ABV 7.3%", "Bottles only"]),
            Slide(["Launch party", "Saturday 4 October", "The Marjorie Room, from 6 pm"]),
        ],
        keep=[
            "Autumn Releases",
            "Hollowmere Brewing Company",
            "Ember Wren",
            "Granny Pettigrew",
            "The Marjorie Room",
        ],
    ),
]


def _q(
    id: str,
    split: str,
    kind: str,
    question: str | list[str],
    expected: Expected = Expected(),
    abstain: bool = False,
    must_not: list[str] | None = None,
    keep: list[str] | None = None,
) -> Question:
    turns = question if isinstance(question, list) else []
    return Question(
        id=id,
        tenant=T,
        split=split,
        kind=kind,  # type: ignore[arg-type]
        question=None if turns else question,  # type: ignore[arg-type]
        turns=turns,
        expected=expected,
        abstain=abstain,
        must_not=must_not or [],
        keep=keep or [],
    )


_RAW: list[tuple[str, str | list[str], Expected, dict]] = [
    # --- prose (8) ---
    (
        "prose",
        "What was the Kettleby Yard building before the brewery moved in?",
        Expected([["goods shed"]], "brewery_history.txt"),
        {},
    ),
    (
        "prose",
        "How deep was the borehole that supplies the brewing water drilled?",
        Expected([["84"]], "brewery_history.txt"),
        {},
    ),
    (
        "prose",
        "At what carbon dioxide level does the alarm in the fermenting hall go off?",
        Expected([["5000", "5,000"]], "safety_rules.pdf", page=2),
        {},
    ),
    (
        "prose",
        "What concentration is caustic soda mixed to for cleaning in place?",
        Expected([["2 percent", "2%", "2 per cent", "two percent"]], "safety_rules.pdf", page=3),
        {},
    ),
    (
        "prose",
        "How often do the vessels' pressure relief valves get tested?",
        Expected([["six months", "6 months"]], "tank_register.pdf", page=2),
        {},
    ),
    (
        "prose",
        "Roughly how much beer does the brewery produce each year?",
        Expected([["3,200", "3200"]], "about_us.html"),
        {},
    ),
    (
        "prose",
        "What mash temperature does the Old Gregor brew sheet call for?",
        Expected([["67"]], "brew_sheet_old_gregor.docx"),
        {},
    ),
    (
        "prose",
        "For how long is Old Gregor cellar-conditioned before it is released?",
        Expected([["five weeks", "5 weeks"]], "beer_range.md"),
        {},
    ),
    # --- table (7) ---
    (
        "table",
        "What is the alcohol strength of the Widow Marchbank porter?",
        Expected([["5.6"]], "beer_range.md"),
        {},
    ),
    ("table", "How many IBU of bitterness does Young Tobias have?", Expected([["18"]], "beer_range.md"), {}),
    (
        "table",
        "What time does the taproom close on a Sunday?",
        Expected([["18:00", "6 pm", "6pm", "18.00"]], "about_us.html"),
        {},
    ),
    (
        "table",
        "Which protective equipment must be worn in the grain loft?",
        Expected([["FFP2", "dust mask"]], "safety_rules.pdf", page=1),
        {},
    ),
    (
        "table",
        "What PPE is required on the bottling line?",
        Expected([["ear defenders"]], "safety_rules.pdf", page=1),
        {},
    ),
    (
        "table",
        "What is the lead time for orders from Pellam Bottle Works?",
        Expected([["21"]], "approved_suppliers.docx"),
        {},
    ),
    (
        "table",
        "How much black treacle goes into a batch of Old Gregor?",
        Expected([["12 kg", "12kg", "12 kilograms"]], "brew_sheet_old_gregor.docx"),
        {},
    ),
    # --- spoken_number (4) ---
    (
        "spoken_number",
        "According to the tour guide, how many litres does the brew kettle hold?",
        Expected([["3,000", "3000", "three thousand"]], "tour_guide_welcome.wav", sentence=1),
        {},
    ),
    (
        "spoken_number",
        "How many tonnes of malt are kept in the grain loft?",
        Expected([["40", "forty"]], "tour_guide_welcome.wav", sentence=3),
        {},
    ),
    (
        "spoken_number",
        "What time does the delivery van leave the yard in the morning?",
        Expected(
            [["7:30", "7.30", "seven thirty", "seven-thirty", "730"]], "delivery_voicemail.mp3", sentence=4
        ),
        {},
    ),
    (
        "spoken_number",
        "How long is the time window given for each delivery drop?",
        Expected([["20", "twenty"]], "delivery_voicemail.mp3", sentence=6),
        {},
    ),
    # --- speech (4) ---
    (
        "speech",
        "Where on the tour are visitors not allowed to take photos?",
        Expected([["bottling line"]], "tour_guide_welcome.wav", sentence=6),
        {},
    ),
    (
        "speech",
        "Where does the delivery van go on Mondays?",
        Expected([["Brindle Cross", "Brindle"]], "delivery_voicemail.mp3", sentence=1),
        {},
    ),
    (
        "speech",
        "Where did the brewery's house yeast originally come from?",
        Expected([["monastery"]], "how_we_brew.mp4", sentence=4),
        {},
    ),
    (
        "speech",
        "What happens to the spent hops after brewing?",
        Expected([["allotments", "compost"]], "how_we_brew.mp4", sentence=6),
        {},
    ),
    # --- slide (4) ---
    (
        "slide",
        "How strong is the new Ember Wren Red Ale?",
        Expected([["5.1"]], "autumn_releases.mp4", slide=1),
        {},
    ),
    (
        "slide",
        "On what date does Ember Wren Red Ale come out?",
        Expected([["12 September", "September 12"]], "autumn_releases.mp4", slide=1),
        {},
    ),
    (
        "slide",
        "What is the ABV of the Granny Pettigrew Stout?",
        Expected([["7.3"]], "autumn_releases.mp4", slide=2),
        {},
    ),
    (
        "slide",
        "When is the launch party for the autumn releases?",
        Expected([["4 October", "October 4"]], "autumn_releases.mp4", slide=3),
        {},
    ),
    # --- image (4) ---
    ("image", "What is the door code for the cold store?", Expected([["4471B"]], "cold_store_sign.png"), {}),
    (
        "image",
        "How much does a pint of Old Gregor cost in the taproom today?",
        Expected([["4.90"]], "taproom_chalkboard.jpg"),
        {},
    ),
    (
        "image",
        "Which beer is planned to be brewed on Wednesday of week 14?",
        Expected([["Captain Harrow"]], "brew_plan_whiteboard.webp"),
        {"keep": ["Captain Harrow"]},
    ),
    (
        "image",
        "What is the guest cider on tap today?",
        Expected([["Tollby Vale Dry", "Tollby Vale"]], "taproom_chalkboard.jpg"),
        {"keep": ["Tollby Vale Dry"]},
    ),
    # --- chat (4) ---
    (
        "chat",
        ["Which fermenting vessel is used for Old Gregor?", "What is its capacity?"],
        Expected([["3,300", "3300"]], "tank_register.pdf", page=1),
        {"keep": ["Old Gregor"]},
    ),
    (
        "chat",
        ["Which company supplies our malt?", "How many days is their lead time?"],
        Expected([["5 days", "five days", "5"]], "approved_suppliers.docx"),
        {"keep": ["Fenlow Maltings"]},
    ),
    (
        "chat",
        ["What is the strongest beer in the core range?", "What style of beer is it?"],
        Expected([["tripel"]], "beer_range.md"),
        {"keep": ["Sister Perpetua"]},
    ),
    (
        "chat",
        ["Where does the brewery's spent grain go?", "Which animals does it feed there?"],
        Expected([["Dexter"]], "brewery_history.txt"),
        {"keep": ["Larchfield Farm"]},
    ),
    # --- conflict (3) ---
    (
        "conflict",
        "How much does a standard brewery tour ticket cost?",
        Expected([["18.75"]], "tour_tickets_summer.html"),
        {"must_not": ["16.50"]},
    ),
    (
        "conflict",
        "By what time on Tuesday must trade orders reach the brewery office?",
        Expected([["1 pm", "1pm", "13:00", "one o'clock"]], "delivery_notice_new.md"),
        {"must_not": ["4 pm", "4pm", "16:00"]},
    ),
    (
        "conflict",
        "Which van now drives the Friday delivery round to Saltby?",
        Expected([["Lady Elsbeth"]], "delivery_notice_new.md"),
        {"keep": ["Lady Elsbeth", "Saltby"]},
    ),
    # --- named (5) ---
    (
        "named",
        "What ABV is Sister Perpetua?",
        Expected([["8.4"]], "beer_range.md"),
        {"keep": ["Sister Perpetua"]},
    ),
    (
        "named",
        "How many litres can the Big Maud fermenter hold?",
        Expected([["3,600", "3600"]], "tank_register.pdf", page=1),
        {"keep": ["Big Maud"]},
    ),
    (
        "named",
        "Where is Gideon Marsh Hop Growers located?",
        Expected([["Tollby Vale"]], "approved_suppliers.docx"),
        {"keep": ["Gideon Marsh Hop Growers"]},
    ),
    (
        "named",
        "At which beer festival did Old Gregor take the gold medal?",
        Expected([["Marrowfield"]], "brewery_history.txt"),
        {"keep": ["Old Gregor"]},
    ),
    (
        "named",
        "How many guests can The Marjorie Room seat?",
        Expected([["60", "sixty"]], "about_us.html"),
        {"keep": ["The Marjorie Room"]},
    ),
    # --- off_corpus (7) ---
    ("off_corpus", "What is the capital of Peru?", Expected(), {"abstain": True}),
    (
        "off_corpus",
        "How many passengers is the harbour ferry licensed to carry?",
        Expected(),
        {"abstain": True},
    ),
    ("off_corpus", "Who wrote the novel Pride and Prejudice?", Expected(), {"abstain": True}),
    (
        "off_corpus",
        "What are the visiting hours on the hospital's children's ward?",
        Expected(),
        {"abstain": True},
    ),
    ("off_corpus", "How do I renew a passport online?", Expected(), {"abstain": True}),
    (
        "off_corpus",
        "What is the boiling point of water in degrees Fahrenheit?",
        Expected(),
        {"abstain": True},
    ),
    ("off_corpus", "How much does a dental check-up cost at the clinic?", Expected(), {"abstain": True}),
    # --- near_topic (7) ---
    (
        "near_topic",
        "Who designed the Old Gregor clock tower?",
        Expected(),
        {"abstain": True, "keep": ["Old Gregor"]},
    ),
    ("near_topic", "What is the brewery's fax number?", Expected(), {"abstain": True}),
    ("near_topic", "How often are fire drills held at the brewery?", Expected(), {"abstain": True}),
    (
        "near_topic",
        "What pressure is the Cold Betty bright tank rated for?",
        Expected(),
        {"abstain": True, "keep": ["Cold Betty"]},
    ),
    (
        "near_topic",
        "Who is our contact person at Clearspring Yeast Labs?",
        Expected(),
        {"abstain": True, "keep": ["Clearspring Yeast Labs"]},
    ),
    (
        "near_topic",
        "How much is a ticket for the autumn releases launch party?",
        Expected(),
        {"abstain": True},
    ),
    (
        "near_topic",
        "How much did the Brother Cuthbert wood-chip boiler cost?",
        Expected(),
        {"abstain": True, "keep": ["Brother Cuthbert"]},
    ),
]


def _questions() -> list[Question]:
    out: list[Question] = []
    seen: dict[str, int] = {}
    for n, (kind, text, expected, extra) in enumerate(_RAW, start=1):
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        out.append(_q(f"b{n:03d}", "dev" if index % 2 == 0 else "test", kind, text, expected, **extra))
    return out


QUESTIONS: list[Question] = _questions()
