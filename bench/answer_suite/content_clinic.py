"""The answer suite's "clinic" tenant: Fernhollow Veterinary Clinic, a fictional veterinary practice
in the fictional town of Marrowby (opening hours, treatments and prices, staff rota, vaccination
schedule, pet food, emergency rules, boarding kennels). Every fact, name and number is invented."""

from __future__ import annotations

from bench.answer_suite.schema import Document, Expected, Pii, Question, Slide, Table

T = "clinic"

DOCUMENTS: list[Document] = [
    # ------------------------------------------------------------------ txt
    Document(
        tenant=T,
        filename="welcome_guide.txt",
        format="txt",
        title="Welcome to Fernhollow Veterinary Clinic",
        paragraphs=[
            "Fernhollow Veterinary Clinic stands at 14 Quarry Row in Marrowby, opposite the "
            "Kingfisher Bakery.",
            "Free parking for 12 cars is available behind the building, and the space nearest the "
            "door is always kept free for animal ambulances.",
            "New clients are asked to arrive 10 minutes before their first appointment to fill in a "
            "registration form.",
            "Dogs must stay on a lead in the waiting room and cats must arrive in a closed carrier. "
            "Cats and their owners can wait in a separate, calmer corner called the Quiet Nook.",
            "We accept payment by card, cash or bank transfer. Bills over £500 can be spread over "
            "three monthly instalments at no extra cost.",
            "Reception team lead: Nadia Osei-Brandt. Booking requests by e-mail go to "
            "n.osei-brandt@fernhollow-vets.example, and clients calling from abroad can ring "
            "+353 1 555 0147.",
            "Staff testing the new online payment page must only use the test card 4000 0566 5566 5556.",
        ],
        pii=[
            Pii("PERSON", "Nadia Osei-Brandt"),
            Pii("EMAIL_ADDRESS", "n.osei-brandt@fernhollow-vets.example"),
            Pii("PHONE_NUMBER", "+353 1 555 0147"),
            Pii("CREDIT_CARD", "4000 0566 5566 5556"),
        ],
        keep=[
            "Welcome to Fernhollow Veterinary Clinic",
            "Fernhollow Veterinary Clinic",
            "Quarry Row",
            "Marrowby",
            "Kingfisher Bakery",
            "Quiet Nook",
        ],
    ),
    # conflicting notice pair A: dental prices (older, then newer)
    Document(
        tenant=T,
        filename="notice_dental_prices.txt",
        format="txt",
        title="Notice: Dental Care Prices",
        paragraphs=[
            "A routine dental scale and polish for a cat or dog now costs £145, including the general "
            "anaesthetic and a pain relief injection.",
            "Any extractions are charged separately at £18 per tooth.",
            "Every dental patient goes home with a free tube of Minty Molar enzyme toothpaste.",
            "Please do not feed your pet after 8pm on the evening before the procedure.",
        ],
        keep=["Notice: Dental Care Prices", "Minty Molar"],
        order=0,
    ),
    Document(
        tenant=T,
        filename="notice_dental_prices_updated.txt",
        format="txt",
        title="Notice: Dental Care Prices",
        paragraphs=[
            "A routine dental scale and polish for a cat or dog now costs £172, including the general "
            "anaesthetic and a pain relief injection.",
            "Any extractions are charged separately at £18 per tooth.",
            "Every dental patient goes home with a free tube of Minty Molar enzyme toothpaste.",
            "Please do not feed your pet after 8pm on the evening before the procedure.",
        ],
        keep=["Notice: Dental Care Prices", "Minty Molar"],
        order=1,
    ),
    # ------------------------------------------------------------------ md
    Document(
        tenant=T,
        filename="treatments_and_prices.md",
        format="md",
        title="Treatments and Prices",
        paragraphs=[
            "All prices below include VAT. Prices for horses and farm animals are quoted on request.",
            "The Fernhollow Health Club costs £14.50 a month for cats and £17.90 a month for dogs. It "
            "covers yearly boosters, flea and worm treatment and two nurse checks a year.",
        ],
        tables=[
            Table(
                ["Treatment", "Price", "Time needed"],
                [
                    ["Standard consultation", "£52", "15 minutes"],
                    ["Second opinion consultation", "£78", "30 minutes"],
                    ["Microchipping", "£23", "10 minutes"],
                    ["Nail clip (nurse)", "£12", "10 minutes"],
                    ["Cat spay", "£138", "Half day"],
                    ["Dog castration up to 20 kg", "£265", "Full day"],
                    ["X-ray, first view", "£96", "1 hour"],
                    ["Blood panel", "£88", "Results in 2 days"],
                ],
            )
        ],
        keep=["Treatments and Prices", "Fernhollow Health Club"],
    ),
    # conflicting notice pair B: out-of-hours fee (older, then newer)
    Document(
        tenant=T,
        filename="out_of_hours_notice.md",
        format="md",
        title="Out-of-Hours Emergency Fee",
        paragraphs=[
            "Outside our opening hours, emergency cases are seen by our partner, Northgate Animal "
            "Emergency Centre, at 3 Furlong Road in Kestleford.",
            "The out-of-hours emergency consultation fee is £119, payable before treatment starts.",
            "Medicines, X-rays and overnight stays are charged on top of the consultation fee.",
        ],
        keep=[
            "Out-of-Hours Emergency Fee",
            "Northgate Animal Emergency Centre",
            "Furlong Road",
            "Kestleford",
        ],
        order=0,
    ),
    Document(
        tenant=T,
        filename="out_of_hours_notice_revised.md",
        format="md",
        title="Out-of-Hours Emergency Fee",
        paragraphs=[
            "Outside our opening hours, emergency cases are seen by our partner, Northgate Animal "
            "Emergency Centre, at 3 Furlong Road in Kestleford.",
            "The out-of-hours emergency consultation fee is £131, payable before treatment starts.",
            "Medicines, X-rays and overnight stays are charged on top of the consultation fee.",
        ],
        keep=[
            "Out-of-Hours Emergency Fee",
            "Northgate Animal Emergency Centre",
            "Furlong Road",
            "Kestleford",
        ],
        order=1,
    ),
    # ------------------------------------------------------------------ html
    Document(
        tenant=T,
        filename="about_us.html",
        format="html",
        title="About us",
        paragraphs=[
            "Fernhollow Veterinary Clinic was founded in 1987 by Dr Rosalind Ashby-Carew in a "
            "converted blacksmith's forge on Quarry Row.",
            "Today the practice has five vets, eight nurses and a team of four receptionists.",
            "In 2019 we opened Hollybrook Kennels, our own boarding kennels on Thimble Lane, two miles "
            "north of the clinic.",
            "The clinic is accredited by the Wessmoor Veterinary Standards Board and received its Gold "
            "Paw award in 2022.",
            "Clinical director: Dr Tomás Ó Briain. Practice manager: Ingrid Solheim-Achebe, "
            "ingrid.solheim@fernhollow-vets.example, +44 1632 960 418.",
            "Donations to the Fernhollow Rescue Fund can be sent to IBAN IE70 BOFI 9000 1712 3456 78.",
        ],
        pii=[
            Pii("PERSON", "Rosalind Ashby-Carew"),
            Pii("PERSON", "Tomás Ó Briain"),
            Pii("PERSON", "Ingrid Solheim-Achebe"),
            Pii("EMAIL_ADDRESS", "ingrid.solheim@fernhollow-vets.example"),
            Pii("PHONE_NUMBER", "+44 1632 960 418"),
            Pii("IBAN_CODE", "IE70 BOFI 9000 1712 3456 78"),
        ],
        keep=[
            "About us",
            "Fernhollow Veterinary Clinic",
            "Quarry Row",
            "Hollybrook Kennels",
            "Thimble Lane",
            "Wessmoor Veterinary Standards Board",
            "Gold Paw",
            "Fernhollow Rescue Fund",
        ],
    ),
    Document(
        tenant=T,
        filename="boarding_kennels.html",
        format="html",
        title="Hollybrook Kennels: Boarding",
        paragraphs=[
            "Hollybrook Kennels looks after dogs, cats and small pets while their owners are away.",
            "Check-in is between 8am and 10am, and pets must be collected by 4pm on the day they leave.",
            "Every dog boarding with us must have had its kennel cough vaccine at least 14 days before "
            "arrival.",
            "Dogs are walked twice a day in the Bramble Paddock, and cats stay in heated pods in the "
            "Willow Cattery.",
            "A deposit of 25 percent secures a booking. Deposits can be paid by bank transfer to IBAN "
            "NL50 RABO 0312 4576 89 or by card. The test card for the booking form is "
            "3782 822463 10005.",
            "Kennel manager: Ciarán Mac Giolla Phádraig, phone 0161 496 0852.",
        ],
        tables=[
            Table(
                ["Accommodation", "Suitable for", "Price per night"],
                [
                    ["Arthur Wing standard run", "Dogs up to 15 kg", "£29"],
                    ["Arthur Wing large run", "Dogs over 15 kg", "£36"],
                    ["Willow Cattery pod", "One or two cats", "£18"],
                    ["Small pet hutch", "Rabbits and guinea pigs", "£9"],
                    ["Second dog sharing a run", "Dogs of the same family", "£15"],
                ],
            )
        ],
        pii=[
            Pii("IBAN_CODE", "NL50 RABO 0312 4576 89"),
            Pii("CREDIT_CARD", "3782 822463 10005"),
            Pii("PERSON", "Ciarán Mac Giolla Phádraig"),
            Pii("PHONE_NUMBER", "0161 496 0852"),
        ],
        keep=[
            "Hollybrook Kennels: Boarding",
            "Hollybrook Kennels",
            "Bramble Paddock",
            "Willow Cattery",
            "Arthur Wing",
        ],
    ),
    # ------------------------------------------------------------------ pdf
    Document(
        tenant=T,
        filename="vaccination_schedule.pdf",
        format="pdf",
        title="Vaccination Schedule",
        pages=[
            "Fernhollow Veterinary Clinic vaccination schedule for dogs, cats and rabbits. "
            "The table below lists the age for the first dose and how often boosters are due. "
            "Vaccination appointments last 20 minutes and include a full health check.",
            "Dogs and puppies. "
            "Puppies need a second injection 4 weeks after the first one. "
            "Puppies can go out for walks 1 week after the second injection. "
            "The puppy vaccination pack costs £74 and includes a microchip. "
            "The pack also includes 4 weeks of free pet insurance from Brackley Mutual. "
            "Dogs travelling abroad need a rabies vaccine at least 21 days before travel.",
            "Cats and rabbits. "
            "Kittens receive their second injection at 12 weeks old. "
            "Indoor cats can join the Hearthside plan for a reduced booster at £39 a year. "
            "Rabbits get one combined injection against myxomatosis and both strains of RHD. "
            "A rabbit vaccination costs £46 and lasts for one year.",
        ],
        tables=[
            Table(
                ["Vaccine", "First dose", "Booster"],
                [
                    ["Canine DHP", "8 weeks", "Every 3 years"],
                    ["Leptospirosis L4", "8 weeks", "Every year"],
                    ["Kennel cough", "10 weeks", "Every year"],
                    ["Feline core", "9 weeks", "Every year"],
                    ["Feline leukaemia", "12 weeks", "Every 2 years"],
                    ["Rabbit combined", "6 weeks", "Every year"],
                ],
            )
        ],
        keep=[
            "Vaccination Schedule",
            "Fernhollow Veterinary Clinic",
            "Brackley Mutual",
            "Hearthside",
        ],
    ),
    Document(
        tenant=T,
        filename="emergency_procedures.pdf",
        format="pdf",
        title="Emergency Rules and First Aid",
        pages=[
            "Always phone the clinic before bringing in an emergency so the team can prepare. "
            "Never make your pet vomit at home unless a vet tells you to. "
            "For burns, cool the area with running water for 5 minutes. "
            "Keep a poisoned pet warm and bring the packet of whatever it swallowed. "
            "The emergency entrance is the red door on Anvil Yard at the side of the building.",
            "On-call contacts for staff. "
            "Senior on-call vet: Jörg Møller-Hansen, mobile +49 40 5550 1923. "
            "Backup vet: Inés Castañeda Ruiz, phone (555) 010-3186. "
            "The ambulance van is called Bessie Hargrove and carries an oxygen kit and a stretcher. "
            "The van can reach farms within 15 miles of the clinic. "
            "Staff must log every emergency call in the Kestrel Book at the nurses station.",
        ],
        tables=[
            Table(
                ["Toxin", "Danger to", "Act within"],
                [
                    ["Dark chocolate", "Dogs", "2 hours"],
                    ["Grapes and raisins", "Dogs", "2 hours"],
                    ["Xylitol gum", "Dogs", "30 minutes"],
                    ["Lily pollen", "Cats", "1 hour"],
                    ["Slug pellets", "Dogs and cats", "1 hour"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Jörg Møller-Hansen"),
            Pii("PHONE_NUMBER", "+49 40 5550 1923"),
            Pii("PERSON", "Inés Castañeda Ruiz"),
            Pii("PHONE_NUMBER", "(555) 010-3186"),
        ],
        keep=[
            "Emergency Rules and First Aid",
            "Anvil Yard",
            "Bessie Hargrove",
            "Kestrel Book",
        ],
    ),
    # ------------------------------------------------------------------ docx
    Document(
        tenant=T,
        filename="staff_rota.docx",
        format="docx",
        title="Staff Rota: Weekly Plan",
        paragraphs=[
            "The rota below covers the vet on duty, the consulting room and the nurse clinic for each "
            "day from Monday to Saturday.",
            "The clinic closes at 1pm on the first Wednesday of every month for staff training.",
            "Dental surgery takes place on Tuesdays and Thursdays in the Ivor Theatre.",
            "Head nurse: Wilhelmina Okonkwo-Bryce. Bookkeeping: Dorota Wąsowska. Rota questions go to "
            "d.wasowska@fernhollow-vets.example.",
        ],
        tables=[
            Table(
                ["Day", "Vet on duty", "Room", "Nurse clinic"],
                [
                    ["Monday", "Dr Zoë Lindqvist", "Florence Room", "Weight checks"],
                    ["Tuesday", "Dr Tomás Ó Briain", "Mabel Room", "Nail clips"],
                    ["Wednesday", "Dr Björn Håkansson", "Florence Room", "Puppy checks"],
                    ["Thursday", "Dr Zoë Lindqvist", "Mabel Room", "Dental checks"],
                    ["Friday", "Dr Amara Nwosu-Kellett", "Florence Room", "Senior pet checks"],
                    ["Saturday", "Dr Björn Håkansson", "Mabel Room", "None"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Wilhelmina Okonkwo-Bryce"),
            Pii("PERSON", "Dorota Wąsowska"),
            Pii("EMAIL_ADDRESS", "d.wasowska@fernhollow-vets.example"),
            Pii("PERSON", "Zoë Lindqvist"),
            Pii("PERSON", "Tomás Ó Briain"),
            Pii("PERSON", "Björn Håkansson"),
            Pii("PERSON", "Amara Nwosu-Kellett"),
        ],
        keep=["Staff Rota: Weekly Plan", "Ivor Theatre", "Florence Room", "Mabel Room"],
    ),
    Document(
        tenant=T,
        filename="pet_food_catalogue.docx",
        format="docx",
        title="Pet Food and Supplements Catalogue",
        paragraphs=[
            "Fernhollow stocks everyday and prescription diets from Brackenfield Feeds, a family mill "
            "in Upper Senna.",
            "Registered clients get 10 percent off every third bag of food.",
            "Orders placed before noon on Wednesday arrive at the clinic on Friday.",
            "Supplier contact: Priya Raghunathan-Hale, priya.rh@brackenfield-feeds.example, "
            "+44 113 496 0721.",
            "Supplier invoices are paid to IBAN GB29 NWBK 6016 1331 9268 19 or with the clinic "
            "purchasing card 5105 1051 0510 5100.",
        ],
        tables=[
            Table(
                ["Product", "Made for", "Bag size", "Price"],
                [
                    ["Lady Isolde Supper", "Senior cats", "2 kg", "£21.40"],
                    ["Captain Barkley Chunks", "Adult dogs", "12 kg", "£47.95"],
                    ["Old Tobias Joint Care", "Older dogs with stiff joints", "10 kg", "£52.60"],
                    ["Baron Thistle Bites", "Rabbits", "1.5 kg", "£8.75"],
                    ["Kitty Renal Support", "Cats with kidney disease", "1.5 kg", "£24.10"],
                    ["Marsh Lane Puppy Start", "Puppies", "6 kg", "£33.20"],
                ],
            )
        ],
        pii=[
            Pii("PERSON", "Priya Raghunathan-Hale"),
            Pii("EMAIL_ADDRESS", "priya.rh@brackenfield-feeds.example"),
            Pii("PHONE_NUMBER", "+44 113 496 0721"),
            Pii("IBAN_CODE", "GB29 NWBK 6016 1331 9268 19"),
            Pii("CREDIT_CARD", "5105 1051 0510 5100"),
        ],
        keep=[
            "Pet Food and Supplements Catalogue",
            "Brackenfield Feeds",
            "Upper Senna",
            "Lady Isolde Supper",
            "Captain Barkley Chunks",
            "Old Tobias Joint Care",
            "Baron Thistle Bites",
            "Kitty Renal Support",
            "Marsh Lane Puppy Start",
        ],
    ),
    # ------------------------------------------------------------------ recordings
    Document(
        tenant=T,
        filename="answerphone_message.wav",
        format="wav",
        title="Answerphone message",
        sentences=[
            "Hello, you have reached the Fernhollow vet clinic.",
            "We are open from eight in the morning until half past six in the evening, Monday to Friday.",
            "On Saturdays we are open from nine in the morning until one in the afternoon.",
            "Repeat prescriptions are ready forty-eight hours after you order them.",
            "For emergencies at night, please hang up and call the emergency centre.",
            "Thank you for calling, and give your pet a pat from us.",
        ],
        keep=["Fernhollow"],
    ),
    Document(
        tenant=T,
        filename="kennel_radio_advert.mp3",
        format="mp3",
        title="Radio advert for the kennels",
        sentences=[
            "Going away on holiday this summer?",
            "Hollybrook Kennels will look after your dog like one of the family.",
            "Every guest gets a daily play session in our big meadow.",
            "Book before the end of March and you save fifteen percent.",
            "Stays of ten nights or more get a free bath on the last day.",
            "To book a place, just call in at the clinic reception.",
        ],
        keep=["Hollybrook Kennels"],
    ),
    # ------------------------------------------------------------------ pictures
    Document(
        tenant=T,
        filename="reception_sign.png",
        format="png",
        lines=[
            "FERNHOLLOW VETERINARY CLINIC",
            "Please ring the bell once",
            "Flea treatment pick-up: Counter 2",
            "Wi-Fi network: Fernhollow-Guest",
            "Wi-Fi password: Wagtail-4471",
        ],
        keep=["FERNHOLLOW VETERINARY CLINIC", "Fernhollow-Guest"],
    ),
    Document(
        tenant=T,
        filename="kennel_door_card.jpg",
        format="jpg",
        lines=[
            "HOLLYBROOK KENNELS - RUN 7",
            "Guest: Biscuit (spaniel)",
            "Feeding: 8am and 5pm",
            "Carer: Gwen Haverford",
            "Medication: none",
        ],
        pii=[Pii("PERSON", "Gwen Haverford")],
        keep=["HOLLYBROOK KENNELS"],
    ),
    Document(
        tenant=T,
        filename="food_shelf_label.webp",
        format="webp",
        lines=[
            "SHELF C - PRESCRIPTION DIETS",
            "Kitty Renal Support 1.5 kg",
            "Ask a nurse before buying",
            "Stock check every Monday",
        ],
        keep=["Kitty Renal Support"],
    ),
    # ------------------------------------------------------------------ videos
    Document(
        tenant=T,
        filename="puppy_class_video.mp4",
        format="mp4_speech",
        title="Little Paws Puppy Class",
        sentences=[
            "Welcome to the Little Paws puppy class.",
            "Classes run on Wednesday evenings in the church hall on Mill Street.",
            "Each course lasts six weeks and costs sixty-five pounds.",
            "Please bring a soft toy, some small treats and a short lead.",
            "Puppies must be between ten and sixteen weeks old when they start.",
            "Our trainer will teach sit, stay and walking nicely on the lead.",
        ],
        slides=[
            Slide(["Little Paws Puppy Class", "Fernhollow Veterinary Clinic"], seconds=8.0),
            Slide(["Sit, stay and loose lead walking", "Friendly small groups"], seconds=8.0),
        ],
        keep=["Little Paws", "Mill Street", "Fernhollow Veterinary Clinic"],
    ),
    Document(
        tenant=T,
        filename="rehab_suite_tour.mp4",
        format="mp4_slides",
        title="Otterburn Rehab Suite tour",
        slides=[
            Slide(["The Otterburn Rehab Suite", "Hydrotherapy pool for dogs", "Water kept at 30 degrees"]),
            Slide(["Hydrotherapy sessions", "30 minutes per session", "Session price: 39 pounds"]),
            Slide(["Laser therapy room", "Open Mon, Wed and Fri", "Book at reception"]),
            Slide(["Underwater treadmill", "For dogs after surgery", "Maximum dog weight: 60 kg"]),
        ],
        keep=["Otterburn Rehab Suite"],
    ),
]


def _q(n: int, **kwargs) -> Question:
    return Question(id=f"c{n:03d}", tenant=T, **kwargs)


_QUESTIONS: list[dict] = [
    # ---------------------------------------------------------------- prose (8)
    dict(
        kind="prose",
        question="How many cars can park for free behind the clinic?",
        expected=Expected([["12", "twelve"]], source="welcome_guide.txt"),
    ),
    dict(
        kind="prose",
        question="How early should a new client turn up before their first appointment?",
        expected=Expected([["10", "ten"]], source="welcome_guide.txt"),
    ),
    dict(
        kind="prose",
        question="What is the monthly cost of the health club for a dog?",
        expected=Expected([["17.90"]], source="treatments_and_prices.md"),
    ),
    dict(
        kind="prose",
        question="In which year was the veterinary clinic founded?",
        expected=Expected([["1987"]], source="about_us.html"),
    ),
    dict(
        kind="prose",
        question="How many days before a kennel stay must a dog have had its kennel cough vaccine?",
        expected=Expected([["14", "fourteen"]], source="boarding_kennels.html"),
    ),
    dict(
        kind="prose",
        question="What is the price of the vaccination pack for puppies?",
        expected=Expected([["74"]], source="vaccination_schedule.pdf", page=2),
    ),
    dict(
        kind="prose",
        question="For how long should a burn on a pet be cooled under running water?",
        expected=Expected([["5 minutes", "five minutes"]], source="emergency_procedures.pdf", page=1),
    ),
    dict(
        kind="prose",
        question="When does the clinic shut early for staff training?",
        expected=Expected([["first Wednesday"]], source="staff_rota.docx"),
    ),
    # ---------------------------------------------------------------- table (7)
    dict(
        kind="table",
        question="What does it cost to have a pet microchipped?",
        expected=Expected([["23"]], source="treatments_and_prices.md"),
    ),
    dict(
        kind="table",
        question="How much time should I allow for a second opinion consultation?",
        expected=Expected(
            [["30 minutes", "thirty minutes", "half an hour"]], source="treatments_and_prices.md"
        ),
    ),
    dict(
        kind="table",
        question="What is the nightly price of a large run for a dog over 15 kg at the kennels?",
        expected=Expected([["36"]], source="boarding_kennels.html"),
    ),
    dict(
        kind="table",
        question="How often is a booster needed for the feline leukaemia vaccine?",
        expected=Expected([["2 years", "two years"]], source="vaccination_schedule.pdf", page=1),
    ),
    dict(
        kind="table",
        question="If a dog eats xylitol chewing gum, within what time should you act?",
        expected=Expected(
            [["30 minutes", "thirty minutes", "half an hour"]],
            source="emergency_procedures.pdf",
            page=1,
        ),
    ),
    dict(
        kind="table",
        question="On which day of the week does the nurse clinic do weight checks?",
        expected=Expected([["Monday"]], source="staff_rota.docx"),
    ),
    dict(
        kind="table",
        question="How much is a bag of the renal diet for cats with kidney disease?",
        expected=Expected([["24.10"]], source="pet_food_catalogue.docx"),
    ),
    # ---------------------------------------------------------------- spoken_number (4)
    dict(
        kind="spoken_number",
        question="What time does the clinic close on weekday evenings?",
        expected=Expected(
            [["half past six", "6:30", "6.30", "six thirty", "18:30", "half six"]],
            source="answerphone_message.wav",
            sentence=1,
        ),
    ),
    dict(
        kind="spoken_number",
        question="How long after ordering is a repeat prescription ready?",
        expected=Expected(
            [["48", "forty-eight", "forty eight"]], source="answerphone_message.wav", sentence=3
        ),
    ),
    dict(
        kind="spoken_number",
        question="What discount does the kennel radio advert offer for booking before the end of March?",
        expected=Expected([["15", "fifteen"]], source="kennel_radio_advert.mp3", sentence=3),
    ),
    dict(
        kind="spoken_number",
        question="How much does the puppy training course cost?",
        expected=Expected([["65", "sixty-five", "sixty five"]], source="puppy_class_video.mp4", sentence=2),
    ),
    # ---------------------------------------------------------------- speech (4)
    dict(
        kind="speech",
        question="According to the radio advert, where do you go to book a kennel place?",
        expected=Expected([["reception"]], source="kennel_radio_advert.mp3", sentence=5),
    ),
    dict(
        kind="speech",
        question="What does every dog staying at the kennels get each day, according to the advert?",
        expected=Expected([["play"]], source="kennel_radio_advert.mp3", sentence=2),
    ),
    dict(
        kind="speech",
        question="Where are the puppy classes held?",
        expected=Expected([["Mill Street"]], source="puppy_class_video.mp4", sentence=1),
    ),
    dict(
        kind="speech",
        question="What should owners bring along to the puppy class?",
        expected=Expected([["toy"], ["treat"]], source="puppy_class_video.mp4", sentence=3),
    ),
    # ---------------------------------------------------------------- slide (4)
    dict(
        kind="slide",
        question="At what temperature is the hydrotherapy pool water kept?",
        expected=Expected([["30"]], source="rehab_suite_tour.mp4", slide=0),
    ),
    dict(
        kind="slide",
        question="How much does one hydrotherapy session cost?",
        expected=Expected([["39"]], source="rehab_suite_tour.mp4", slide=1),
    ),
    dict(
        kind="slide",
        question="On which days is the laser therapy room open?",
        expected=Expected(
            [["Mon", "Monday"], ["Wed", "Wednesday"], ["Fri", "Friday"]],
            source="rehab_suite_tour.mp4",
            slide=2,
        ),
    ),
    dict(
        kind="slide",
        question="What is the heaviest dog allowed on the underwater treadmill?",
        expected=Expected([["60"]], source="rehab_suite_tour.mp4", slide=3),
    ),
    # ---------------------------------------------------------------- image (4)
    dict(
        kind="image",
        question="What is the password for the guest Wi-Fi at the clinic?",
        expected=Expected([["Wagtail-4471", "Wagtail 4471", "Wagtail4471"]], source="reception_sign.png"),
    ),
    dict(
        kind="image",
        question="At which counter do I collect flea treatment?",
        expected=Expected([["Counter 2", "counter two"]], source="reception_sign.png"),
    ),
    dict(
        kind="image",
        question="At what times is the spaniel in run 7 fed?",
        expected=Expected(
            [["8am", "8 am", "8:00", "8 a.m."], ["5pm", "5 pm", "5:00", "5 p.m.", "17:00"]],
            source="kennel_door_card.jpg",
        ),
    ),
    dict(
        kind="image",
        question="On which shelf are the prescription diets kept?",
        expected=Expected([["Shelf C"]], source="food_shelf_label.webp"),
    ),
    # ---------------------------------------------------------------- chat (4)
    dict(
        kind="chat",
        turns=[
            "In which room is dental surgery carried out?",
            "On which days of the week does it take place there?",
        ],
        expected=Expected([["Tuesday"], ["Thursday"]], source="staff_rota.docx"),
        keep=["Ivor Theatre"],
    ),
    dict(
        kind="chat",
        turns=[
            "Where are the dogs exercised at Hollybrook Kennels?",
            "How many times a day are they taken out there?",
        ],
        expected=Expected([["twice", "two times", "2 times"]], source="boarding_kennels.html"),
        keep=["Hollybrook Kennels", "Bramble Paddock"],
    ),
    dict(
        kind="chat",
        turns=[
            "Which food do you sell for older dogs with stiff joints?",
            "How much is a bag of it?",
        ],
        expected=Expected([["52.60"]], source="pet_food_catalogue.docx"),
        keep=["Old Tobias Joint Care"],
    ),
    dict(
        kind="chat",
        turns=[
            "Does the clinic vaccinate rabbits?",
            "What does that vaccination cost?",
        ],
        expected=Expected([["46"]], source="vaccination_schedule.pdf", page=3),
    ),
    # ---------------------------------------------------------------- conflict (3)
    dict(
        kind="conflict",
        question="How much is a routine dental scale and polish for my dog?",
        expected=Expected([["172"]], source="notice_dental_prices_updated.txt"),
        must_not=["145"],
    ),
    dict(
        kind="conflict",
        question="What is the fee for an emergency consultation outside opening hours?",
        expected=Expected([["131"]], source="out_of_hours_notice_revised.md"),
        must_not=["119"],
        keep=["Northgate Animal Emergency Centre"],
    ),
    dict(
        kind="conflict",
        question="What free toothpaste do pets take home after a dental procedure?",
        expected=Expected([["Minty Molar"]], source="notice_dental_prices_updated.txt"),
        keep=["Minty Molar"],
    ),
    # ---------------------------------------------------------------- named (5)
    dict(
        kind="named",
        question="In what year did Hollybrook Kennels open?",
        expected=Expected([["2019"]], source="about_us.html"),
        keep=["Hollybrook Kennels"],
    ),
    dict(
        kind="named",
        question=(
            "How many weeks of free pet insurance from Brackley Mutual come with the puppy vaccination pack?"
        ),
        expected=Expected([["4", "four"]], source="vaccination_schedule.pdf", page=2),
        keep=["Brackley Mutual"],
    ),
    dict(
        kind="named",
        question="What equipment does the Bessie Hargrove ambulance van carry?",
        expected=Expected([["oxygen"]], source="emergency_procedures.pdf", page=2),
        keep=["Bessie Hargrove"],
    ),
    dict(
        kind="named",
        question="Which pets is Lady Isolde Supper made for?",
        expected=Expected([["senior cats", "older cats", "senior cat"]], source="pet_food_catalogue.docx"),
        keep=["Lady Isolde Supper"],
    ),
    dict(
        kind="named",
        question="What does a night in a Willow Cattery pod cost?",
        expected=Expected([["18"]], source="boarding_kennels.html"),
        keep=["Willow Cattery"],
    ),
    # ---------------------------------------------------------------- off_corpus (7)
    dict(kind="off_corpus", question="What is the capital of Peru?", abstain=True),
    dict(kind="off_corpus", question="Who wrote the novel Moby-Dick?", abstain=True),
    dict(
        kind="off_corpus",
        question="What time does the first ferry leave the harbour in the morning?",
        abstain=True,
    ),
    dict(
        kind="off_corpus",
        question="Which hops are used in the brewery's pale ale?",
        abstain=True,
    ),
    dict(
        kind="off_corpus",
        question="How many players are on the field for one side in a rugby union match?",
        abstain=True,
    ),
    dict(
        kind="off_corpus",
        question="What is the boiling point of water at sea level in degrees Fahrenheit?",
        abstain=True,
    ),
    dict(
        kind="off_corpus",
        question="How much does it cost to moor a yacht in the marina for a week?",
        abstain=True,
    ),
    # ---------------------------------------------------------------- near_topic (7)
    dict(kind="near_topic", question="What is the clinic's fax number?", abstain=True),
    dict(
        kind="near_topic",
        question="How much does Hollybrook Kennels charge per night to board a parrot?",
        abstain=True,
        keep=["Hollybrook Kennels"],
    ),
    dict(
        kind="near_topic",
        question="What is the price of a kennel cough vaccination?",
        abstain=True,
    ),
    dict(
        kind="near_topic",
        question="What delivery charge is added to pet food orders from Brackenfield Feeds?",
        abstain=True,
        keep=["Brackenfield Feeds"],
    ),
    dict(
        kind="near_topic",
        question="How many vets worked at the clinic when it was founded in 1987?",
        abstain=True,
    ),
    dict(
        kind="near_topic",
        question="What is the name of the trainer who teaches the Little Paws puppy class?",
        abstain=True,
        keep=["Little Paws"],
    ),
    dict(
        kind="near_topic",
        question="How deep is the hydrotherapy pool in the Otterburn Rehab Suite?",
        abstain=True,
        keep=["Otterburn Rehab Suite"],
    ),
]


def _build() -> list[Question]:
    questions, seen = [], {}
    for n, spec in enumerate(_QUESTIONS, start=1):
        kind = spec["kind"]
        split = "dev" if seen.get(kind, 0) % 2 == 0 else "test"
        seen[kind] = seen.get(kind, 0) + 1
        questions.append(_q(n, split=split, **spec))
    return questions


QUESTIONS: list[Question] = _build()
