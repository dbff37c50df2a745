"""Name pools with their real-world spelling variants.

Each entry is a *variant group*: spellings of one name as different partner
systems write it. The first is the canonical form. Weights make frequent names
frequent, which is what makes matching hard.
"""

from __future__ import annotations

import random

__all__ = ["FORENAMES_F", "FORENAMES_M", "SURNAMES", "TOWNS", "pick"]

# (weight, variants)
FORENAMES_M: list[tuple[int, tuple[str, ...]]] = [
    (30, ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad")),
    (8, ("Ahmed", "Ahmad", "Ahmet")),
    (6, ("Abdul Rahman", "Abdulrahman", "Abdur Rahman", "Abd al-Rahman")),
    (5, ("Abdullah", "Abdallah", "Abdulla")),
    (5, ("Osama", "Usama", "Usamah")),
    (5, ("Yusuf", "Yousef", "Youssef", "Yousuf")),
    (5, ("Ibrahim", "Ebrahim", "Ibraheem")),
    (5, ("Omar", "Umar", "Omer")),
    (4, ("Hussein", "Hussain", "Husain", "Hossein")),
    (4, ("Mustafa", "Mostafa", "Mustapha")),
    (4, ("Khalid", "Khaled")),
    (3, ("Hamza", "Hamzah")),
    (3, ("Bilal",)),
    (3, ("Tariq", "Tarik", "Tareq")),
    (3, ("Suleiman", "Sulaiman", "Sulayman", "Suleman")),
    (3, ("Jamal", "Gamal")),
    (3, ("Ali",)),
    (2, ("Zakaria", "Zakariya", "Zakariyya")),
    (2, ("Idris", "Idrees")),
    (2, ("Anwar", "Anwer")),
    (8, ("James", "Jim", "Jimmy")),
    (7, ("John", "Jon")),
    (6, ("Daniel", "Dan", "Danny")),
    (6, ("Thomas", "Tom")),
    (6, ("Michael", "Mike")),
    (5, ("David", "Dave")),
    (5, ("Jack",)),
    (5, ("Connor", "Conor")),
    (5, ("Liam",)),
    (4, ("Ryan",)),
    (4, ("Callum", "Calum")),
    (4, ("Stephen", "Steven")),
    (4, ("Matthew", "Matt")),
    (4, ("Christopher", "Chris")),
    (3, ("Aleksander", "Aleksandr", "Alexander", "Oleksandr")),
    (3, ("Dmitri", "Dmitry", "Dimitri")),
    (3, ("Sean", "Shaun", "Shawn")),
    (3, ("Jordan",)),
    (3, ("Lewis", "Louis")),
    (2, ("Kieran", "Kieron")),
    (2, ("Nathan",)),
    (2, ("Reece", "Rhys", "Reese")),
    (2, ("Jose", "José")),
    (2, ("Francois", "François")),
    (2, ("Bartosz",)),
    (2, ("Tomasz",)),
]

FORENAMES_F: list[tuple[int, tuple[str, ...]]] = [
    (8, ("Fatima", "Fatimah", "Fatema")),
    (6, ("Aisha", "Aishah", "Ayesha", "Aysha")),
    (5, ("Maryam", "Mariam", "Miriam")),
    (4, ("Khadija", "Khadijah", "Khadeeja")),
    (4, ("Zainab", "Zaynab", "Zeinab")),
    (3, ("Amina", "Aminah", "Ameena")),
    (3, ("Noor", "Nur", "Nour")),
    (5, ("Sarah", "Sara")),
    (5, ("Emma",)),
    (5, ("Rebecca", "Becky")),
    (4, ("Katherine", "Catherine", "Kathryn")),
    (4, ("Hannah", "Hanna")),
    (4, ("Jessica", "Jess")),
    (3, ("Chloe", "Chloé")),
    (3, ("Zoe", "Zoë")),
    (3, ("Natalia", "Natalya", "Nataliya")),
    (3, ("Olivia",)),
    (2, ("Agnieszka",)),
]

SURNAMES: list[tuple[int, tuple[str, ...]]] = [
    (12, ("Khan",)),
    (10, ("Ali",)),
    (8, ("Hussain", "Hussein", "Husain")),
    (8, ("Ahmed", "Ahmad")),
    (6, ("Rahman", "Rehman")),
    (5, ("Abdul Rahman", "Abdulrahman", "Abdul-Rahman")),
    (5, ("Choudhury", "Chowdhury", "Choudhry", "Chaudhry")),
    (4, ("Mohamud", "Mohamoud", "Mahamud", "Mohamed")),
    (4, ("Osman", "Usman", "Othman")),
    (4, ("Ibrahim", "Ebrahim")),
    (4, ("Yusuf", "Yousef", "Youssef")),
    (3, ("Abdi",)),
    (3, ("Hassan", "Hasan")),
    (3, ("Mahmood", "Mahmoud", "Mahmud")),
    (3, ("Iqbal",)),
    (3, ("Begum",)),
    (3, ("Al-Masri", "Al Masri", "Almasri", "El-Masry")),
    (2, ("Al-Amin", "Al Amin", "Alamin")),
    (10, ("Smith",)),
    (7, ("Jones",)),
    (6, ("Williams",)),
    (6, ("Taylor",)),
    (6, ("Brown",)),
    (5, ("Davies", "Davis")),
    (5, ("Evans",)),
    (5, ("Wilson",)),
    (4, ("Thomas",)),
    (4, ("Johnson",)),
    (4, ("Roberts",)),
    (4, ("Walker",)),
    (4, ("Wright",)),
    (4, ("Thompson", "Thomson")),
    (3, ("White",)),
    (3, ("Clarke", "Clark")),
    (3, ("Turner",)),
    (3, ("McDonald", "MacDonald", "Mcdonald")),
    (3, ("O'Brien", "OBrien", "O Brien")),
    (3, ("Patel",)),
    (2, ("De Souza", "de Souza", "Desouza", "D'Souza")),
    (2, ("Van der Berg", "van den Berg", "Vandenberg")),
    (2, ("Kowalski", "Kowalsky")),
    (2, ("Nowak",)),
    (2, ("Ivanov", "Ivanoff")),
    (2, ("Popescu",)),
    (2, ("Dimitrov",)),
    (2, ("Fernandes", "Fernandez")),
    (2, ("Quillfeather",)),
    (2, ("Bramblewick",)),
    (2, ("Examplefield",)),
    (2, ("Fictitious",)),
    (2, ("Placeholder-Jones", "Placeholder Jones")),
    (1, ("Mockridge",)),
    (1, ("Testament",)),
    (1, ("Sampleton",)),
]

TOWNS = [
    "Nowhereton", "Fictonbury", "Example Regis", "Imaginham", "Mockford", "Sampleby",
    "Dummington", "Placeholder Bay", "Testwick", "Fakenham Parva",
]
STREETS = ["Fictional Road", "Example Street", "Imaginary Lane", "Pretend Close", "Sample Avenue",
           "Mock Terrace", "Nowhere Way", "Dummy Crescent"]
PRISONS = ["HMP Example Moor", "HMP Fictionshire", "HMP Nowhere Vale", "HMP Sample Hill",
           "HMP Imaginary Fen", "HMYOI Mockbridge"]
FORCES = ["Thames Valley", "Hampshire and Isle of Wight", "Kent", "Surrey", "Sussex"]
NATIONALITIES = ["British", "British", "British", "British", "Somali", "Pakistani", "Iraqi", "Syrian",
                 "Polish", "Romanian", "Algerian", "Irish", "Bangladeshi", "Afghan"]
MANAGERS = [f"DC {n}" for n in ("Ada Fictional", "Ben Example", "Cara Sample", "Dev Placeholder",
                                 "Eve Mockett", "Finn Testwood", "Gia Imaginary", "Hal Dummett",
                                 "Ivy Pretence", "Jay Notreal", "Kit Madeup", "Lou Invented")]


def pick(rng: random.Random, pool: list[tuple[int, tuple[str, ...]]]) -> tuple[str, ...]:
    """A variant group, drawn by weight."""
    weights = [w for w, _ in pool]
    return rng.choices([v for _, v in pool], weights=weights, k=1)[0]
