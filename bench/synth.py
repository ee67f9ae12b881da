"""A deterministic synthetic news corpus for benchmarks.

Article ``i`` of seed ``s`` depends on nothing but ``(s, i)``, so a corpus of 1,000 articles is
the first 1,000 of the corpus of 10,000, and "adding 100 articles" means writing articles
``n .. n+99``. Articles mix vendor names (from the registry and a few that are not in it) with
concern sentences, denials and other vendor responses, hedged and negated claims, neutral vendor
news and clean filler, under YAML front matter, in directories of 1,000 files.

The sentences are written for this generator; they are not taken from the rule examples, so the
bench keeps measuring the same text while the rules are tuned.
"""

from __future__ import annotations

import random
from pathlib import Path

GENERATOR_VERSION = "1"

# Registry vendors (display names as the press prints them) and some that are not in the registry.
REGISTRY_NAMES = [
    "Hikvision", "Dahua Technology", "Uniview", "Tiandy", "Nuctech", "SenseTime", "Megvii",
    "iFlytek", "Yitu", "CloudWalk", "Huawei", "ZTE", "Hytera", "China Mobile", "China Telecom",
    "China Unicom", "Quectel", "DJI", "Sugon", "Inspur", "Lenovo", "Xiaomi", "ByteDance", "TikTok",
    "Kaspersky", "NSO Group", "Clearview AI", "Palantir", "Verkada", "Axis Communications",
    "Milestone Systems", "Bosch", "Hanwha Vision", "Motorola Solutions", "Avigilon", "Pelco",
    "Genetec", "Honeywell", "Johnson Controls", "Sony", "Vivotek", "Mobotix", "Cisco", "Nokia",
    "Ericsson", "Samsung", "Fujitsu", "EZVIZ", "Intellifusion", "Netposa",
]
OTHER_NAMES = [
    "Altamira Sensing", "Corvid Analytics", "Pellucid Networks", "Quillon Security",
    "Stratus Lenswork", "Ormond Telemetry", "Vantrell Imaging", "Brisk Harbour Radio",
]

CONCERNS = [
    "{V} was added to the Entity List by the US Commerce Department in {year}.",
    "The Commerce Department put {V} on its trade blacklist in {month} {year}.",
    "The FCC placed {V} equipment on its Covered List, citing national security.",
    "{V} was sanctioned by the US Treasury in {year} over its role in Xinjiang.",
    "The {body} banned {V} cameras from government buildings in {month}.",
    "Federal agencies were told to remove {V} products from their networks by {month}.",
    "The {body} said it would stop buying equipment from {V} after the review.",
    "MPs recommended a ban on {V} equipment in public buildings.",
    "{V} cameras were installed at the entrances of internment camps in Xinjiang.",
    "Researchers said {V} was involved in the repression of Uyghurs in Xinjiang.",
    "Campaigners described {V} as complicit in abuses against the Uyghur minority.",
    "{V} marketed a camera that could tell whether a person was Uyghur.",
    "{V} software was designed to identify Uyghurs in crowds, the documents show.",
    "{V} is part-owned by the Chinese state through a defence conglomerate.",
    "{V} repeatedly refused to answer questions about its contracts in Xinjiang.",
    "{V} did not respond to a request for comment.",
    "An audit found serious defects in {V}'s software engineering.",
    "Researchers linked {V} factories to forced labour transfers of Uyghur workers.",
    "Security researchers found a backdoor in {V} firmware that exposed live video.",
    "The {body} said {V} posed a risk to national security.",
    "Officials warned that {V} could be compelled to share data with Beijing.",
]
RESPONSES = [
    "{V} denied the allegations and said it respects human rights.",
    "A spokesperson for {V} rejected the report as inaccurate and misleading.",
    "The company said it complies with all applicable laws and regulations.",
    "{V} said it had commissioned an independent review of its supply chain.",
    "In a statement, {V} said it takes all concerns seriously.",
]
HEDGED = [
    "Critics claim {V} could be forced to hand over data to Beijing.",
    "Lawmakers asked whether {V} should be banned from public contracts.",
    "{V} is not on the Entity List, the department confirmed on {weekday}.",
    "There is no evidence that {V} equipment was used in the camps, the review said.",
    "Unlike {V}, {W} was added to the Entity List in {year}.",
]
NEUTRAL = [
    "{V} launched a new range of low-light cameras at the trade show in {city}.",
    "{V} reported quarterly revenue of {amount} million dollars on {weekday}.",
    "The airport signed a {n}-year maintenance contract with {V}.",
    "{V} and {W} both exhibited at the security fair in {city} this {month}.",
    "The council's existing cameras were supplied by {V} in {year}.",
    "{V} said it would open a research centre in {city} next year.",
]
FILLER = [
    "The council approved the budget for street lighting after a long debate on {weekday}.",
    "Residents raised concerns about parking near the new station in {city}.",
    "The contract covers {n} sites, including schools, depots and two leisure centres.",
    "A public consultation on the scheme closes at the end of {month}.",
    "Officials said the upgrade would cost about {amount} thousand pounds over {n} years.",
    "The report runs to {n} pages and includes an annex on data retention.",
    "Local businesses welcomed the decision, according to the chamber of commerce.",
    "The committee will meet again in {month} to review progress.",
    "Procurement rules require at least three bids for contracts of this size.",
    "Campaign groups have asked for the full tender documents to be published.",
    "The pilot ran for {n} months in the town centre before being extended.",
    "Staff training is expected to take place over the summer.",
]
HEADLINES = [
    "{V} faces fresh scrutiny over {topic}", "Council reviews camera contracts after {topic} row",
    "{V} responds to {topic} claims", "What the {topic} debate means for buyers",
    "Tender update: {topic} and the {city} estate", "{V} and the question of {topic}",
]
TOPICS = ["Xinjiang", "surveillance", "export controls", "data security", "supply chains",
          "procurement", "sanctions", "public safety", "facial recognition"]
BODIES = ["ministry", "council", "regulator", "department", "committee", "authority"]
CITIES = ["Leeds", "Bristol", "Lyon", "Ghent", "Tampere", "Porto", "Graz", "Aarhus", "Cork"]
PUBLISHERS = ["Tender Weekly", "The Borough Gazette", "Security Trade News", "Public Buyer",
              "The Evening Ledger", "Network World Review", "Civic Tech Monitor",
              "Reuters-style Wire",
              "The Northern Courier", "Policy Desk", "Asia Markets Daily", "Rights Watch Bulletin"]
MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(seed: int, index: int) -> tuple[str, str]:
    """The relative path and text of article ``index`` of corpus ``seed``."""
    rng = random.Random(f"duediligence-bench:{seed}:{index}")
    kind = rng.random()
    names = REGISTRY_NAMES + OTHER_NAMES
    vendor = rng.choice(names)
    other = rng.choice([n for n in names if n != vendor])

    def fill(template: str) -> str:
        return template.format(
            V=vendor, W=other, year=rng.randint(2015, 2025), month=rng.choice(MONTHS),
            weekday=rng.choice(WEEKDAYS), city=rng.choice(CITIES), body=rng.choice(BODIES),
            amount=rng.randint(2, 900), n=rng.randint(2, 40), topic=rng.choice(TOPICS))

    paragraphs: list[list[str]] = []
    for _ in range(rng.randint(3, 7)):
        sentences = [fill(rng.choice(FILLER)) for _ in range(rng.randint(1, 4))]
        paragraphs.append(sentences)
    if kind < 0.55:          # a story about a vendor: concerns, then perhaps a response
        pools = [(CONCERNS, rng.randint(1, 4)), (RESPONSES, rng.randint(0, 2)),
                 (HEDGED, rng.randint(0, 1)), (NEUTRAL, rng.randint(0, 1))]
    elif kind < 0.80:        # neutral vendor news
        pools = [(NEUTRAL, rng.randint(1, 3)), (HEDGED, rng.randint(0, 1))]
    else:                    # clean: no vendor at all
        pools = []
    for pool, count in pools:
        for _ in range(count):
            paragraph = rng.choice(paragraphs)
            paragraph.insert(rng.randint(0, len(paragraph)), fill(rng.choice(pool)))
    title = fill(rng.choice(HEADLINES)) if pools else f"{rng.choice(CITIES)} council notes"
    title = f"{title} ({index})"
    date = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    publisher = rng.choice(PUBLISHERS)
    body = "\n\n".join(" ".join(p) for p in paragraphs)
    text = (f"---\ntitle: \"{title}\"\npublisher: {publisher}\ndate: {date}\n"
            f"url: https://news.example/{seed}/{index}\n---\n\n{title}\n\n{body}\n")
    return f"{index // 1000:03d}/{index:06d}.md", text


def write_corpus(directory: Path, seed: int, start: int, stop: int) -> None:
    """Write articles ``start .. stop-1`` of corpus ``seed`` under ``directory``."""
    for index in range(start, stop):
        relative, text = article(seed, index)
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ensure_corpus(directory: Path, seed: int, size: int) -> None:
    """Make ``directory`` hold exactly articles ``0 .. size-1``, reusing a previous build."""
    stamp = directory / ".bench-corpus"
    wanted = f"{GENERATOR_VERSION} {seed} {size}\n"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if directory.exists():
        import shutil
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    write_corpus(directory, seed, 0, size)
    stamp.write_text(wanted)
