"""Three worked events checked against the news pages they rest on, not against the dataset.

Every expected figure below was read off a stored copy of a public news page (URL and the
sentence quoted verbatim in the comment above the assertion) before the database was opened.
Where a page and the database disagreed, the data was corrected (Fitrat's "at least 400").
"""

from __future__ import annotations

import pytest

from dash import store

from .conftest import SHIPPED_DB

BORDER_CLASHES = "curated:2025-10-11-border-clashes"
NANGARHAR_PAKTIKA = "curated:2026-02-22-nangarhar-paktika-strikes"
KABUL_HOSPITAL = "curated:2026-03-16-kabul-hospital-strike"


@pytest.fixture(scope="module")
def db():
    database = store.open_readonly(SHIPPED_DB)
    yield database
    database.close()


def claim_rows(db, event_id: str) -> list[dict]:
    cursor = db.execute(
        """SELECT party_id, claimant, killed, killed_high, killed_qualifier, civilians_killed,
                  militants_killed, security_forces_killed
             FROM claims WHERE event_id = ?""",
        (event_id,),
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def claim_tolls(db, event_id: str) -> set[tuple[str, int]]:
    """{(party_id, killed)} for every claim of the event that states a total."""
    return {
        (r["party_id"], r["killed"]) for r in claim_rows(db, event_id) if r["killed"] is not None
    }


def has_claim(rows: list[dict], party_id: str, **fields) -> bool:
    return any(
        r["party_id"] == party_id and all(r[k] == v for k, v in fields.items()) for r in rows
    )


def test_the_three_worked_events_are_shipped(db):
    for event_id in (BORDER_CLASHES, NANGARHAR_PAKTIKA, KABUL_HOSPITAL):
        assert claim_rows(db, event_id), event_id


# --- 1. Afghan-Pakistani border clashes, night of 11-12 October 2025 ---------------------------


def test_border_clashes_of_11_october_2025_keep_each_sides_toll(db):
    rows = claim_rows(db, BORDER_CLASHES)
    tolls = claim_tolls(db, BORDER_CLASHES)

    # Pakistani state, ISPR (chinadailyhk.com/article/621564): "Twenty-three Pakistani soldiers
    # and over 200 terrorists were killed in the clash, the ISPR said"
    # (pakistantoday.com.pk/2025/10/13/23-troops-martyred-over-200-taliban-terrorists-killed-as-
    # pakistan-responds-afghan-aggression-ispr): "At least 23 Pakistani troops embraced martyrdom
    # while over 200 Taliban and affiliated terrorist were killed in fierce overnight clashes along
    # the Pak-Afghan border, the Inter-Services Public Relations (ISPR) said on Sunday"
    # -> more than 223: 23 security forces + more than 200 militants.
    assert ("pakistan_state", 223) in tolls
    assert has_claim(
        rows,
        "pakistan_state",
        killed=223,
        killed_qualifier="more_than",
        security_forces_killed=23,
        militants_killed=200,
    )

    # Afghan Taliban, Zabihullah Mujahid (euronews.com/2025/10/12/afghanistan-says-it-killed-
    # dozens-of-pakistani-soldiers-in-overnight-border-clashes): "Afghanistan said on Sunday that
    # its forces killed 58 Pakistani soldiers in overnight border clashes, accusing its neighbour of
    # violating its territory and airspace."
    # (chinadailyhk.com/article/621564): "Afghan government chief spokesman Zabihullah Mujahid on
    # Sunday said that retaliatory operations launched on Saturday night along the border with
    # Pakistan left 58 Pakistani soldiers dead and injured 30 others. A total of nine Afghan
    # soldiers were also killed and 16 others were injured during the operations."
    # -> 58 Pakistani + 9 Afghan soldiers = 67, all of them security forces.
    assert ("afghan_taliban", 67) in tolls
    assert has_claim(rows, "afghan_taliban", killed=67, security_forces_killed=67)

    # Pakistani security sources, early count (staging.rferl.org/a/pakistan-afghan-taliban-border-
    # clashes-ttp/33557312.html): "Pakistani security sources near the border region early on
    # October 12 confirmed to RFE/RL's Radio Mashaal that three Pakistani soldiers and one civilian
    # were killed and five soldiers were injured in the fighting and a subsequent response by the
    # Pakistan military."
    assert ("pakistan_state", 4) in tolls
    assert has_claim(rows, "pakistan_state", killed=4, security_forces_killed=3, civilians_killed=1)

    # Media, India TV citing Tolo News (indiatvnews.com/news/world/clashes-erupt-along-pakistan-
    # afghanistan-border-12-pak-soldiers-killed-2025-10-12-1012376): "A major border clash between
    # Afghan and Pakistani soldiers has resulted in the deaths of 12 Pakistani soldiers. According
    # to Tolo News, the clash occurred along the Durand Line."
    assert ("media", 12) in tolls
    # Media, UNI citing Khaama (centralchronicle.com/afghan-taliban-conducts-retaliatory-strikes-
    # against-pakistan-following-border-tensions): "Amid rising tensions between Pakistan and
    # Afghanistan, the Taliban carried out retaliatory strikes on multiple Pakistan Army checkpoints
    # along the Durand Line on Saturday night, reportedly killing 12–15 soldiers and destroying 11
    # border posts."
    assert has_claim(rows, "media", killed=12, killed_high=15, security_forces_killed=12)

    # UN body, UNAMA (unama.unmissions.org/unama-welcomes-afghanistan-pakistan-ceasefire-urges-
    # protection-civilians): "UNAMA also documented at least 16 civilian casualties (one killed, 15
    # injured) as a result of earlier cross-border clashes in Paktika, Patkya, Kunar and Helmand
    # provinces." -> one civilian killed (the 17 killed in Spin Boldak were on 15 October).
    assert has_claim(rows, "international", civilians_killed=1)

    # Local residents/officials: no page found gives a local toll for this night, so the dataset
    # must not carry one.
    assert not any(r["party_id"] == "local" and r["killed"] is not None for r in rows)


# --- 2. Pakistani air strikes in Nangarhar and Paktika, 21-22 February 2026 --------------------


def test_nangarhar_paktika_strikes_of_22_february_2026_keep_each_sides_toll(db):
    rows = claim_rows(db, NANGARHAR_PAKTIKA)
    tolls = claim_tolls(db, NANGARHAR_PAKTIKA)

    # Pakistani state, Talal Chaudhry (newindianexpress.com/world/2026/Feb/22/pakistan-claims-to-
    # have-killed-at-least-70-militants-in-strikes-along-afghan-border): "Pakistan's military
    # killed at least 70 militants in strikes along the border with Afghanistan early Sunday,
    # targeting what it described as hideouts of Pakistani militants it blamed for recent attacks
    # inside the country, the deputy interior minister said."
    assert ("pakistan_state", 70) in tolls
    assert has_claim(
        rows, "pakistan_state", killed=70, killed_qualifier="at_least", militants_killed=70
    )
    # Pakistani state media (same page): "Pakistan's state-run media later reported that militant
    # fatalities jumped to 80."
    assert has_claim(rows, "pakistan_state", killed=80, militants_killed=80)
    # Islamabad sources via Geo News (dnaindia.com/world/report-pakistan-claims-killing-70-
    # terrorists-in-retaliation-strike-at-seven-terrorist-camps-in-afghanistan-3201143): "Pakistan
    # had launched multiple airstrikes at the seven locations in Afghanistan's Nangarhar, Paktika
    # and Khost provinces has killed more than 80 people, as Geo News reported, citing Islamabad
    # sources."
    assert has_claim(rows, "pakistan_state", killed=80, killed_qualifier="more_than")

    # Afghan Taliban, Zabihullah Mujahid (indiatoday.in/world/story/pakistan-afghanistan-tensions-
    # taliban-hints-military-response-shameful-airstrikes-2874495-2026-02-26): "In the interview,
    # Mujahid said an extended family was hit in Nangarhar, leaving 17 dead and five injured, while
    # a children’s school in Paktika was damaged."
    assert ("afghan_taliban", 17) in tolls
    # Afghan Taliban, Nangarhar police spokesman (today24.pro/421759730): "Taliban local officials
    # confirmed that 18 members of a single family were killed in Pakistani airstrikes in Behsud
    # district of Nangarhar province. Sayed Tayeb Hamad, spokesman for the Taliban police command
    # in Nangarhar, said that only four out of 24 family members survived the strike."
    assert ("afghan_taliban", 18) in tolls
    # Afghan Taliban, Nangarhar information chief (same page): "Quraishi Badlon, the Taliban’s
    # information chief in Nangarhar, said at least 17 civilians, including 11 children, were
    # killed and five others wounded in the overnight strikes."
    assert has_claim(rows, "afghan_taliban", killed=17, killed_qualifier="at_least")
    # Afghan Taliban, Nangarhar police statement (wesal.info/2026/02/24/pakistani-airstrikes-5-
    # missing-in-nangarhar-3): "On Sunday, burial ceremonies were held in the Gardi Kach area of
    # Behsud district for 13 martyrs, while five others are still unaccounted for."
    assert has_claim(rows, "afghan_taliban", killed=13, killed_qualifier="at_least")

    # Media, TOLOnews (atlaspress.news/en/2026/02/23/unama-confirms-13-civilians-killed-pakistan-
    # airstrikes-afghanistan): "Meanwhile, findings from Tolo News reveal that these attacks have
    # resulted in the deaths of 17 Afghan citizens, with the bodies of 13 having been recovered
    # from the area so far."
    assert ("media", 17) in tolls

    # UN body, UNAMA (same atlaspress page): "The United Nations Assistance Mission in Afghanistan
    # (UNAMA) has confirmed that, based on preliminary data, at least 13 civilians, including women
    # and children, have been killed and seven others injured as a result of recent Pakistani
    # airstrikes on parts of Afghan territory."
    # (usmuslims.com/un-says-13-civilians-killed-in-pakistani-airstrikes-inside-afghanistan-
    # 337852h.htm): "The UN mission in Afghanistan said Monday it had received “credible reports”
    # that at least 13 civilians were killed and seven others injured in overnight Pakistani
    # airstrikes inside Afghanistan."
    assert ("international", 13) in tolls
    assert has_claim(
        rows, "international", killed=13, killed_qualifier="at_least", civilians_killed=13
    )

    # Local, Afghan Red Crescent in Nangarhar (newindianexpress page above): "Mawlawi Fazl Rahman
    # Fayyaz, the provincial director of the Afghan Red Crescent Society in Nangarhar province, said
    # 18 people were killed and several others wounded."
    # Local resident (zambianobserver.com/pakistan-has-carried-out-multiple-overnight-air-strikes-
    # inside-afghanistan/): "A local resident, Shahabuddin, told reporters that only five out of 23
    # members of his family survived after their house was hit." -> 18 killed.
    assert ("local", 18) in tolls


# --- 3. Kabul strike of 16 March 2026 (Omid hospital / "Camp Phoenix") -------------------------


def test_kabul_strike_of_16_march_2026_keeps_each_sides_toll(db):
    rows = claim_rows(db, KABUL_HOSPITAL)
    tolls = claim_tolls(db, KABUL_HOSPITAL)

    # Afghan Taliban, interior ministry (vancouvercourier.ca/Health/645596-afghan-govt-says-around-
    # 400-killed-in-pakistani-strike-on-kabul-rehab-centre.html): "Interior ministry spokesman
    # Abdul Mateen Qani gave a toll of "408 killed and 265 wounded" at the same briefing."
    # (millenniumpost.in/world/mass-funeral-held-in-kabul-for-victims-of-strike-on-hospital-652345):
    # "Afghan officials have put the death toll at 408 people, with 265 wounded."
    assert ("afghan_taliban", 408) in tolls
    assert has_claim(rows, "afghan_taliban", killed=408, killed_qualifier="exact")
    # Afghan Taliban, health ministry (vancouvercourier page above): ""The toll is not final as the
    # rescue operation is still going on, but we have around 400 martyrs and more than 200
    # wounded," said health ministry spokesman Sharafat Zaman."
    assert has_claim(rows, "afghan_taliban", killed=400, killed_qualifier="about")
    # Afghan Taliban, Zabihullah Mujahid (timesindian.com/news/taliban-warns-of-response-after-
    # alleged-pakistan-strike-on-kabul-facility): "Mujahid placed the death toll at "over 400,"
    # adding that "approximately 250 injured individuals have been admitted to hospitals across
    # Kabul.""
    assert has_claim(rows, "afghan_taliban", killed=400, killed_qualifier="more_than")

    # Media, AFP at the site (vancouvercourier page above): "There was no immediate independent
    # verification of the toll, but AFP reporters saw at least 30 bodies taken from the site in the
    # chaotic and smouldering aftermath of the attack on Monday night." ... "They then saw more
    # than 65 removed on Tuesday as rescuers picked through the rubble searching for victims and
    # survivors." -> more than 95 bodies seen.
    assert ("media", 95) in tolls
    assert has_claim(rows, "media", killed=95, killed_qualifier="more_than")

    # Pakistani state, Attaullah Tarar (vancouvercourier page above): ""No hospital, no drug
    # rehabilitation centre, and no civilian facility was targeted," he wrote on X."
    # -> Pakistan gives no toll at all; the dataset must record its claims without one.
    pakistan = [r for r in rows if r["party_id"] == "pakistan_state"]
    assert pakistan
    assert all(r["killed"] is None for r in pakistan)

    # Local residents/officials: no page found gives a local toll.
    assert not any(r["party_id"] == "local" and r["killed"] is not None for r in rows)


def test_kabul_strike_keeps_fitrat_toll_as_a_floor(db):
    rows = claim_rows(db, KABUL_HOSPITAL)
    # Afghan Taliban, deputy spokesman Hamdullah Fitrat (finedayradio.com/news/world-srn-news/
    # afghan-taliban-says-400-killed-250-injured-in-pakistan-air-strike-on-kabul-hospital):
    # "KABUL, March 17 (Reuters) – At least 400 people were killed and 250 injured in an air strike
    # by Pakistan on a drug users rehabilitation hospital in the Afghan capital of Kabul, the
    # deputy spokesman of the Afghan Taliban government said on Tuesday."
    # (networknews.info/?p=11314, AP): "He said the death toll had “so far” reached 400 people,
    # while about 250 people had been reported injured."
    fitrat = [r for r in rows if "Fitrat" in r["claimant"]]
    assert fitrat
    assert all(r["killed"] == 400 and r["killed_qualifier"] == "at_least" for r in fitrat)
