"""Attribution of single claims in short texts written for the phenomenon each test names.

Each test analyses one made-up passage with the shipped rules and registry and checks which
concern categories end up attributed to which registry vendor. A category that must not be
attributed to a vendor is the point of most tests here: a wrong accusation is the worst error.
"""

from __future__ import annotations

import pytest

from duediligence.analysis import Engine
from duediligence.corpus import Document


@pytest.fixture(scope="module")
def engine(rule_set) -> Engine:
    return Engine(rule_set)


@pytest.fixture(scope="module")
def categories(engine, rule_set):
    """text -> {vendor id: set of categories attributed to it}."""
    category_of = {loaded.rule.id: loaded.rule.category for loaded in rule_set.rules}

    def run(text: str) -> dict[str, set[str]]:
        analysis = engine.analyse(Document("case.txt", text, "0" * 64, 0))
        found: dict[str, set[str]] = {}
        for claim in analysis.claims:
            for vendor_id in claim.vendor_ids:
                found.setdefault(vendor_id, set()).add(category_of[claim.rule_id])
        return found

    return run


def test_a_plural_nationality_reference_skips_a_list_from_another_country(categories):
    """"the Chinese suppliers" never means a list holding a Swedish and a Finnish company."""
    text = ("Operators in Portugal will buy replacement gear from Ericsson and Nokia over the next "
            "three years. Opponents of the Chinese suppliers have cited rules obliging firms to "
            "help state intelligence agencies.")
    found = categories(text)
    assert "security" not in found.get("ericsson", set())
    assert "security" not in found.get("nokia", set())


def test_a_plural_nationality_reference_finds_the_list_from_that_country(categories):
    text = ("Huawei and ZTE were told to leave the network. Operators in Portugal will buy "
            "replacement gear from Ericsson and Nokia over the next three years. Opponents of the "
            "Chinese suppliers have cited rules obliging firms to help state intelligence agencies.")
    found = categories(text)
    assert "security" in found.get("huawei", set()) and "security" in found.get("zte", set())
    assert "security" not in found.get("ericsson", set())


def test_a_company_blocking_something_is_not_a_government_restriction(categories):
    """The one who blocks is a company: its act restricts nobody's products for a government."""
    text = ("Quectel was named in a security bulletin last week. Last month Cisco said it had "
            "blocked a batch of router exploits that it traced to a Shenzhen group, and "
            "researchers tied them to Quectel.")
    found = categories(text)
    assert "government_restriction" not in found.get("quectel", set())
    assert "government_restriction" not in found.get("cisco", set())


def test_a_company_banning_products_from_its_own_programme_is_no_government_act(categories):
    found = categories("Genetec said it had banned Hikvision cameras from its partner programme.")
    assert "government_restriction" not in found.get("hikvision", set())


def test_a_public_body_blocking_a_company_is_still_a_restriction(categories):
    found = categories("The ministry said it had banned Huawei gear from state networks.")
    assert "government_restriction" in found.get("huawei", set())


def test_a_company_facing_a_ban_on_its_products_is_restricted(categories):
    found = categories("Hikvision faces a ban on its cameras in government buildings.")
    assert "government_restriction" in found.get("hikvision", set())


def test_it_after_an_unknown_speaker_is_that_speaker(categories):
    """"Acme said it ...": "it" is Acme (not in the registry), not a vendor of the sentence
    before."""
    text = ("Quectel supplies modules to the carmaker. Earlier this year Brightline said it had "
            "been hacked by a criminal group using stolen passwords.")
    assert "security" not in categories(text).get("quectel", set())


def test_it_after_a_personal_pronoun_speaker_still_refers_back(categories):
    text = ("Quectel supplies modules to the carmaker. He said it had been hacked by a criminal "
            "group using stolen passwords.")
    assert "security" in categories(text).get("quectel", set())


def test_state_owned_describing_a_noun_in_a_prepositional_phrase_is_not_the_subjects(categories):
    """"bid for contracts with the state-owned carrier": the carrier is state-owned, not the
    bidders."""
    text = ("Ericsson and Nokia remain eligible and will bid for contracts with the state-owned "
            "carrier in Peru.")
    found = categories(text)
    assert "state_control" not in found.get("ericsson", set())
    assert "state_control" not in found.get("nokia", set())


def test_state_owned_as_the_subjects_own_description_still_counts(categories):
    assert "state_control" in categories("China Mobile is a state-owned carrier.").get(
        "china_mobile", set())
    assert "state_control" in categories(
        "Nuctech is controlled by the state-owned China National Nuclear Corporation.").get(
        "nuctech", set())


def test_a_list_named_after_on_its_is_not_an_adjective(categories):
    found = categories("The FCC placed Hytera on its Covered List of equipment, alongside Huawei.")
    assert "sanctions" in found.get("hytera", set()) and "sanctions" in found.get("huawei", set())


def test_export_controls_on_sales_of_a_makers_goods_to_a_country_do_not_target_the_maker(
        categories):
    text = ("Chinese labs are adapting to US export controls that restrict sales of advanced "
            "Cisco routers to China.")
    assert "sanctions" not in categories(text).get("cisco", set())


def test_export_controls_on_sales_of_goods_to_a_company_target_that_company(categories):
    text = "Washington imposed export controls that restrict sales of Cisco routers to Huawei and ZTE."
    found = categories(text)
    assert "sanctions" not in found.get("cisco", set())
    assert "sanctions" in found.get("huawei", set()) and "sanctions" in found.get("zte", set())


def test_a_ban_on_sales_of_a_makers_goods_to_buyers_still_restricts_the_maker(categories):
    text = "The ministry banned sales of Hikvision cameras to the police."
    assert "government_restriction" in categories(text).get("hikvision", set())


def test_the_company_after_both_companies_is_not_resolved_to_both(categories):
    """"both companies" then "the company": the text does not say which one is meant."""
    text = ("A lens maker supplied parts for cameras sold by Sony and Canon. The report names both "
            "companies as buyers. Regulators added the lens maker to an import list, which means "
            "goods made by the company are barred from import.")
    found = categories(text)
    for vendor in ("sony", "canon"):
        assert not found.get(vendor, set()) & {"sanctions", "government_restriction"}


def test_it_after_a_short_form_of_a_company_named_earlier_is_that_company(rule_set):
    """"Halvard Biometrics ... Halvard said it ...": the speaker is the company, by a short form."""
    from duediligence.check import engine_for, resolve_vendor

    vendor = resolve_vendor("Halvard Biometrics", rule_set)
    text = ("Halvard Biometrics settled the case on Monday. In a statement, Halvard said it had "
            "been hacked by a criminal group in 2022.")
    analysis = engine_for(rule_set, [vendor]).analyse(Document("case.txt", text, "0" * 64, 0))
    assert any(vendor.id in c.vendor_ids and c.rule_id.startswith("security.")
               for c in analysis.claims)


def test_it_as_the_object_of_a_bodys_verb_is_not_that_body(categories):
    """"The council banned it from tenders": "it" is what was banned, not the council."""
    text = "Hikvision was named in the audit. The council banned it from tenders last spring."
    assert "government_restriction" in categories(text).get("hikvision", set())


def test_it_after_a_bodys_reporting_verb_is_still_the_body(categories):
    """"The ministry said it would ...": the ministry speaks of itself."""
    text = ("Hikvision was named in the audit. The ministry said it had been hacked by a criminal "
            "group last spring.")
    assert "security" not in categories(text).get("hikvision", set())


def test_a_numbered_group_means_the_companies_named_one_by_one_before_it(categories):
    """"All three carriers" after three sentences each naming one: number agreement."""
    text = ("The regulator first turned down Hikvision's licence. Dahua was next. Then the "
            "authority of Hytera was revoked. All three manufacturers are majority-owned by the "
            "Chinese state.")
    found = categories(text)
    for vendor in ("hikvision", "dahua", "hytera"):
        assert "state_control" in found.get(vendor, set()), vendor


def test_a_numbered_group_with_another_count_stays_unresolved(categories):
    """Four companies named before "the three manufacturers": which three is not said."""
    text = ("The regulator first turned down Hikvision's licence. Dahua was next. Then the "
            "authority of Hytera was revoked. Axis Communications was warned. The three "
            "manufacturers are majority-owned by the Chinese state.")
    found = categories(text)
    assert not any("state_control" in cats for cats in found.values())


def test_a_numbered_group_introducing_the_companies_named_next(categories):
    """"the three big state-owned vendors" followed by a sentence naming exactly three."""
    text = ("The minister spoke about the three big state-owned vendors. The agency fined "
            "Hikvision in 2019, warned Dahua in 2021 and did the same to Hytera in 2022.")
    found = categories(text)
    for vendor in ("hikvision", "dahua", "hytera"):
        assert "state_control" in found.get(vendor, set()), vendor


def test_a_counted_group_is_not_a_pair_with_a_company_named_earlier(categories):
    """"both companies" after "Sony and Panasonic" (Panasonic unknown) is that pair, not Sony
    plus the company named earlier in the sentence."""
    text = ("Huaxin Optics Ltd supplied lenses to Sony and Panasonic. The report names both "
            "companies as having forced labour in their supply chains.")
    found = categories(text)
    assert "forced_labour" in found.get("sony", set())
    assert not any("huaxin" in vendor for vendor in found)


def test_a_companion_with_a_description_joins_the_list(categories):
    """"X and Y, along with the speech specialist Z, were added": all three are listed."""
    text = ("Megvii and SenseTime, along with the voice-recognition specialist iFlytek, were "
            "added to the Entity List in 2019.")
    found = categories(text)
    for vendor in ("megvii", "sensetime", "iflytek"):
        assert "sanctions" in found.get(vendor, set()), vendor


def test_a_report_inside_a_relative_clause_keeps_the_products_subject(categories):
    """"X sells chairs, which rights groups say are used in torture": the chairs are X's."""
    text = ("Tiandy also sells restraint chairs to police, which human rights organisations say "
            "are used in the torture of detainees.")
    assert "human_rights" in categories(text).get("tiandy", set())


def test_a_plain_report_still_opens_a_clause_of_its_own(categories):
    """"X, which supplies Y, said the chairs are used in torture": X reports, it is not accused."""
    text = ("Axis Communications said in a statement that restraint chairs are used in the "
            "torture of detainees.")
    assert "human_rights" not in categories(text).get("axis_communications", set())


def test_a_relative_report_on_the_state_keeps_the_company_as_object(categories):
    """"X is under the control of the government, which they say could compel it to hand over
    data": the data access is X's risk."""
    text = ("Critics argue that ByteDance is under the control of the Chinese government, which "
            "they say could compel it to hand over data on American users.")
    assert "security" in categories(text).get("bytedance", set())


def test_a_short_form_of_an_unknown_company_is_the_same_company(rule_set):
    """"Anhui Huaxin Optoelectronics" is searched as "Huaxin" too: generic trailing words and a
    leading place name are dropped from a name typed for a vendor outside the registry."""
    from duediligence.check import resolve_vendor

    vendor = resolve_vendor("Anhui Huaxin Optoelectronics Co.", rule_set)
    assert "huaxin" in {n.text for n in vendor.names}


def test_their_after_plural_bodies_is_those_bodies(categories):
    """"their networks" after "urged regulators ..." are the regulators' networks: a security
    warning about vendors in general is not attributed to the companies of the last sentence."""
    text = ("Operators in Chile will buy radio gear from Ericsson and Nokia this year. The plan was "
            "praised by the US envoy, who has pressed regional regulators to keep untrusted "
            "suppliers away from their networks because of espionage risks.")
    found = categories(text)
    assert "security" not in found.get("ericsson", set())
    assert "security" not in found.get("nokia", set())


def test_their_after_a_company_list_still_refers_to_it(categories):
    text = ("The ministry banned Huawei and ZTE from the core network, saying their equipment "
            "posed a risk to national security.")
    found = categories(text)
    assert "security" in found.get("huawei", set()) and "security" in found.get("zte", set())


def test_two_swapped_letters_in_a_short_name_are_a_misspelling(categories):
    """A five-letter name typed with two neighbouring letters swapped is still that name."""
    found = categories("The council said Dahau was added to the Entity List in 2019.")
    assert "sanctions" in found.get("dahua", set())


@pytest.mark.parametrize("word", ["Dahia", "Dhua", "Obsch"])
def test_other_slips_in_a_short_name_are_not_read_as_it(categories, word):
    """One wrong, missing or moved-first letter in a five-letter name can make another word."""
    found = categories(f"The council said {word} was added to the Entity List in 2019.")
    assert not ({"dahua", "bosch"} & set(found))


def test_replacing_goods_made_by_a_company_is_no_comparison(categories):
    """"replace cameras made by X": X is whose goods go, not what replaces them."""
    found = categories("Westbury council is to replace 200 cameras made by Dahua across its "
                       "car parks after a security review.")
    assert "government_restriction" in found.get("dahua", set())


def test_the_company_replacing_the_goods_is_still_a_comparison(categories):
    found = categories("Westbury council is to replace its Dahua cameras with ones made by "
                       "Axis Communications.")
    assert "government_restriction" not in found.get("axis_communications", set())


def test_a_decade_ends_a_sentence(categories):
    """"the mid-2010s." is a sentence end, not an initial: the next sentence has its own subject."""
    text = ("The ruling adds to pressure on a group of developers that rose to prominence in the "
            "mid-2010s. Megvii, a rival in face recognition, was placed on the Entity List in 2019.")
    assert "sanctions" in categories(text).get("megvii", set())


def test_a_negation_in_an_earlier_coordinated_predicate_does_not_bind_the_next(categories):
    """"X had no licence, had failed to tell ...": each predicate after a comma has its own
    negation; the "no" of the first says nothing about the second."""
    text = ("The regulator found that Clearview had no lawful basis for the processing, had failed "
            "to answer the questions of individuals and kept the data.")
    assert "transparency" in categories(text).get("clearview_ai", set())


def test_a_negation_in_the_same_predicate_still_binds(categories):
    text = ("The regulator found that Clearview had processed the data lawfully, had not failed "
            "to answer the questions of individuals and kept the data.")
    assert "transparency" not in categories(text).get("clearview_ai", set())


def test_a_rival_as_the_title_of_a_sentences_subject_is_that_subject(categories):
    """"American competitor X, which was hit by sanctions": "competitor" opening the sentence
    is X's title, not a point of comparison."""
    text = ("Dahua sells drones in Europe. American competitor Motorola Solutions, which was "
            "itself hit by Chinese sanctions last year, has lobbied for tighter rules.")
    assert "sanctions" in categories(text).get("motorola_solutions", set())


def test_a_rival_named_after_a_verb_is_still_a_point_of_comparison(categories):
    text = "The council was hit by sanctions and bought from rival Motorola Solutions instead."
    assert "sanctions" not in categories(text).get("motorola_solutions", set())


def test_it_said_to_be_among_companies_is_a_company_not_the_speaker(categories):
    """"Washington said it was among a group of companies ...": what "it" is said to be makes
    it a company, so it is not Washington."""
    text = ("iFlytek has been on the Entity List since 2019, when Washington said it was among a "
            "group of companies implicated in human rights violations in Xinjiang.")
    assert "human_rights" in categories(text).get("iflytek", set())


def test_an_elliptical_listing_continues_the_previous_sentences_list(categories):
    """"X was added in the same round": the predicate leaves out what X was added to, so it is the
    list of the sentence before."""
    text = ("The Commerce Department added CloudWalk to its Entity List in May 2020. Megvii, "
            "the face recognition company, was added in the same round for other reasons.")
    found = categories(text)
    assert "sanctions" in found.get("megvii", set())


def test_an_elliptical_listing_does_not_carry_other_claims_of_the_sentence_before(categories):
    text = ("The Commerce Department added CloudWalk to its Entity List, saying it was complicit "
            "in human rights violations. Megvii was added the following year.")
    found = categories(text)
    assert "human_rights" not in found.get("megvii", set())


def test_a_listing_verb_with_its_own_object_is_no_ellipsis(categories):
    text = ("The Commerce Department added CloudWalk to its Entity List in May 2020. Megvii "
            "was added to the index of large-cap stocks in the same month.")
    assert "sanctions" not in categories(text).get("megvii", set())


def test_a_negated_elliptical_listing_does_not_count(categories):
    text = ("The Commerce Department added CloudWalk to its Entity List in May 2020. Megvii "
            "was not added.")
    assert "sanctions" not in categories(text).get("megvii", set())


def test_both_companies_after_a_pair_with_one_unknown_name_counts_for_the_known_one(categories):
    """"sold by Sony and Panasonic ... names both companies": the pair is Sony and a name the
    registry does not know; "both companies" still means Sony among the two."""
    text = ("Huaxin supplied lenses used in cameras sold by Sony and Panasonic. The report "
            "therefore names both companies as having forced labour in their supply chains.")
    assert "forced_labour" in categories(text).get("sony", set())


def test_both_companies_after_a_longer_list_with_an_unknown_name_stays_unresolved(categories):
    text = ("Huaxin supplied lenses used in cameras sold by Sony, Nikon and Panasonic. The report "
            "names both companies as having forced labour in their supply chains.")
    assert "forced_labour" not in categories(text).get("sony", set())


def test_placed_on_it_puts_the_companies_on_the_list_the_sentence_before_named(categories):
    """"The Covered List names ... X and Y were placed on it": "it" is that list."""
    text = ("The Covered List names companies whose gear poses a risk to national security. "
            "Hytera Communications Corp. and Zhejiang Dahua Technology Co. were placed on it "
            "in 2021.")
    found = categories(text)
    assert "sanctions" in found.get("hytera", set()) and "sanctions" in found.get("dahua", set())


def test_placed_on_it_after_a_sentence_naming_no_list_is_no_listing(categories):
    text = ("The council bought a new shelf for its archive. Hytera was placed on it in 2021.")
    assert "sanctions" not in categories(text).get("hytera", set())


def test_companies_all_named_after_a_listing_are_on_that_list(categories):
    text = ("The Commerce Department added 28 Chinese organisations to its Entity List in 2019. "
            "Hikvision, Dahua and Megvii were all named, in a notice citing abuses.")
    found = categories(text)
    assert all("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "megvii"))


def test_a_company_that_followed_on_the_same_grounds_shares_the_claims_before(categories):
    """"X followed in May on the same grounds": X underwent what the sentence before said, for
    the reasons it gave."""
    text = ("Sweden banned Huawei from its 5G networks, citing espionage risks. ZTE followed in "
            "May on the same grounds.")
    found = categories(text).get("zte", set())
    assert {"government_restriction", "security"} <= found


def test_a_company_that_followed_carries_the_ban_but_not_the_reasons(categories):
    text = ("Sweden banned Huawei from its 5G networks, citing espionage risks. ZTE followed in May.")
    found = categories(text).get("zte", set())
    assert "government_restriction" in found and "security" not in found


def test_followed_with_an_object_of_its_own_continues_nothing(categories):
    text = ("Sweden banned Huawei from its 5G networks. Hikvision followed the market lower and "
            "Dahua followed its lead on prices.")
    found = categories(text)
    assert "government_restriction" not in found.get("hikvision", set())
    assert "government_restriction" not in found.get("dahua", set())


def test_a_bodys_second_verb_after_a_comma_acts_on_its_own_object(categories):
    """"The commission denied X's application, revoked the authorisation of Y's unit": the second
    verb's subject is the commission, so what it revoked is Y's, not X's."""
    text = ("The commission denied China Mobile's application in 2019, revoked the authorisation "
            "of China Telecom's US subsidiary in 2021 and kept the rules.")
    found = categories(text)
    assert "government_restriction" in found.get("china_telecom", set())


def test_did_the_same_to_a_company_repeats_the_act_before_it(categories):
    """"revoked X's authority in 2021, and did the same to Y": Y undergoes the same revocation."""
    text = ("The FCC revoked China Telecom's authority to operate in 2021, and did the same to "
            "China Unicom in January 2022.")
    assert "government_restriction" in categories(text).get("china_unicom", set())


def test_among_the_companies_on_the_list_named_before_is_a_listing(categories):
    text = ("Republicans pressed on the Covered List, which bars federal subsidies. Carriers were "
            "told to hurry. Huawei and ZTE were among the first five companies on the list.")
    found = categories(text)
    assert "sanctions" in found.get("huawei", set()) and "sanctions" in found.get("zte", set())


def test_on_the_list_with_no_list_named_before_is_no_listing(categories):
    text = ("The council keeps a shopping list for its archive. Huawei and ZTE were among the "
            "first five companies on the list.")
    found = categories(text)
    assert "sanctions" not in found.get("huawei", set())


@pytest.mark.parametrize("verb", ["isn't", "wasn't", "hasn't been", "aren't"])
def test_a_contracted_negation_negates(categories, verb):
    """"X isn't on the Entity List": the contraction is a "not" like any other."""
    text = f"Lenovo {verb} on the Entity List, an analyst said."
    assert "sanctions" not in categories(text).get("lenovo", set())


def test_among_the_companies_named_continues_the_listing_before(categories):
    text = ("Eight Chinese companies were added to the Entity List on Monday. Hikvision, Dahua "
            "Technology and Megvii were among the companies named.")
    found = categories(text)
    assert all("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "megvii"))


def test_which_were_already_on_the_list_puts_the_companions_on_it(categories):
    text = ("The Treasury added SenseTime to a list of Chinese military companies on Friday. "
            "SenseTime joins Megvii, Hikvision and DJI, which were already on the list.")
    found = categories(text)
    assert all("sanctions" in found.get(v, set()) for v in ("megvii", "hikvision", "dji"))


def test_a_gapped_possessive_after_and_shares_the_verb(categories):
    """"revoked A's authorisation in 2021 and B's the following year": "B's" stands for B's
    authorisation, so B's was revoked too."""
    text = ("The FCC revoked China Telecom Americas' authorisation in 2021 and China Unicom "
            "Americas' the following year.")
    found = categories(text)
    assert "government_restriction" in found.get("china_unicom", set())


def test_a_possessive_with_its_own_noun_after_and_is_no_gap(categories):
    text = ("The FCC revoked China Telecom Americas' authorisation in 2021 and praised China "
            "Unicom's network the following year.")
    assert "government_restriction" not in categories(text).get("china_unicom", set())


def test_pushing_back_on_a_proposed_ban_is_no_recommendation(categories):
    text = ("Ranking member Sheila Grant pushed back on proposals for an immediate DJI ban, "
            "saying sheriffs would lose tools.")
    assert "government_restriction" not in categories(text).get("dji", set())


def test_a_quoted_rejection_frames_what_follows(categories):
    """'the company "strongly rejects" any suggestion that ...': the quote mark does not hide
    the rejection."""
    text = ('A Hikvision spokesperson said the company "strongly rejects" any suggestion that its '
            'cameras present a threat to national security.')
    assert "security" not in categories(text).get("hikvision", set())


def test_a_company_inside_a_bodys_words_is_not_the_one_responding(categories):
    """"The regulator said an investigation found that X built an illegal database": X is what
    the regulator said, not a vendor speaking for itself."""
    text = ("The authority said an investigation had found that Clearview built an illegal "
            "database of faces.")
    assert "vendor_response" not in categories(text).get("clearview_ai", set())


def test_a_verb_inside_a_hyphenated_compound_opens_no_clause(categories):
    """"an early-warning tool": "warning" is part of an adjective, not a reporting verb that
    would cut the subject off from what it sells."""
    text = ("The agency said Megvii had sold an early-warning tool able to pick out people of "
            "Uyghur ethnicity in crowds.")
    assert "ethnic_profiling" in categories(text).get("megvii", set())


def test_a_reporting_verb_standing_alone_still_opens_a_clause(categories):
    text = ("Axis Communications kept warning that some tools pick out people of Uyghur "
            "ethnicity in crowds.")
    assert "ethnic_profiling" not in categories(text).get("axis_communications", set())


def test_generic_trailing_words_are_dropped_from_a_typed_name(rule_set):
    """"Wuxi Tanglong Aero Parts" and "Taizhou Mingrui Data Services" are written "Tanglong" and
    "Mingrui" once introduced."""
    from duediligence.check import resolve_vendor

    names = {n.text for n in resolve_vendor("Wuxi Tanglong Aero Parts", rule_set).names}
    assert "tanglong" in names
    assert "mingrui" in {n.text for n in resolve_vendor("Nanjing Mingrui Data Services",
                                                        rule_set).names}


def test_a_typed_name_is_not_shortened_to_a_short_common_word(rule_set):
    """"Data Services Ltd" keeps its full name: "data" alone is too short to be distinctive."""
    from duediligence.check import resolve_vendor

    assert "data" not in {n.text for n in resolve_vendor("Data Services Ltd", rule_set).names}


def test_a_law_named_after_networks_is_no_company(categories):
    """"the Secure and Trusted Communications Networks Act": a law, not a company that would
    stand as the subject of what follows."""
    text = ("Huawei was listed under the Secure and Trusted Communications Networks Act, which "
            "treats its gear as an unacceptable risk to national security.")
    assert "security" in categories(text).get("huawei", set())


def test_a_when_clause_between_commas_is_an_aside(categories):
    """", when officials announced the Huawei deal,": Huawei sits in an aside; the main clause
    (the new projects were kept secret) is not about it."""
    text = ("Unlike in 2019, when officials announced the Huawei contract, the new projects were "
            "kept out of public view.")
    assert "transparency" not in categories(text).get("huawei", set())


def test_a_company_as_the_subject_after_a_when_clause_still_counts(categories):
    text = ("In 2019, when officials announced the contract, Huawei refused to disclose the "
            "price.")
    assert "transparency" in categories(text).get("huawei", set())


def test_pushing_for_a_listing_is_no_listing(categories):
    text = "Some lawmakers have pushed for Quectel to be added to the Covered List."
    assert "sanctions" not in categories(text).get("quectel", set())


def test_a_listing_after_lobbying_still_counts_when_done(categories):
    text = "After lawmakers lobbied hard, the FCC added Quectel to the Covered List."
    assert "sanctions" in categories(text).get("quectel", set())


@pytest.mark.parametrize("opening", ["The committee", "In March, the committee"])
def test_companies_set_off_by_commas_after_urging_are_not_listed(categories, opening):
    """"urging it to add two makers, X and Y, to the list": X and Y stand in apposition inside
    the urging, not as a subject after a fronted phrase; and "In March, the committee wrote"
    opens with a phrase of time, not with an aside holding the urging."""
    text = (f"{opening} wrote to the FCC urging it to add two module makers, Quectel and "
            "Hikvision, to the Covered List.")
    found = categories(text)
    assert "sanctions" not in found.get("quectel", set())
    assert "sanctions" not in found.get("hikvision", set())


@pytest.mark.parametrize("text", [
    "Asked whether it would appeal, Hikvision refused to comment on the ban.",
    "In March, asked whether it would appeal, Hikvision refused to comment on the ban."])
def test_a_subject_after_a_fronted_question_still_acts(categories, text):
    assert "transparency" in categories(text).get("hikvision", set())


def test_their_means_the_list_of_its_own_sentence(categories):
    """"their" after a list in its own sentence is that list, not a longer one named before."""
    text = ("Hikvision, Dahua and Hytera were named in the report. The ministry banned Huawei and "
            "ZTE from the core network, saying their equipment posed a risk to national security.")
    found = categories(text)
    assert "security" in found.get("huawei", set()) and "security" in found.get("zte", set())
    assert "security" not in found.get("hikvision", set())


def test_their_with_no_list_in_its_sentence_still_looks_back(categories):
    text = ("Hikvision, Dahua and Hytera were named in the report. The ministry said their "
            "equipment posed a risk to national security.")
    found = categories(text)
    assert all("security" in found.get(v, set()) for v in ("hikvision", "dahua", "hytera"))


def test_and_with_a_new_subject_opens_a_clause_of_its_own(categories):
    """"X are state-owned, and the regulator had revoked Y's licence": the revocation is Y's."""
    text = ("China Mobile and China Unicom are owned by the state, and the regulator had already "
            "revoked China Telecom's authorization to operate in 2021.")
    found = categories(text)
    assert "government_restriction" in found.get("china_telecom", set())
    assert "government_restriction" not in found.get("china_mobile", set())


def test_and_before_the_last_member_of_a_list_keeps_the_list(categories):
    text = "Hikvision, Dahua, and Hytera were added to the Entity List in 2019."
    found = categories(text)
    assert all("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "hytera"))


def test_and_before_a_second_verb_keeps_the_subject(categories):
    text = "Hytera was fined in 2019, and last year was added to the Entity List."
    assert "sanctions" in categories(text).get("hytera", set())


def test_companies_named_as_the_topic_of_a_clause_get_its_claim(categories):
    """"For X, Y and Z, the ban covers ...": the ban is on the companies the clause opens with."""
    text = ("For Hytera, Hikvision and Dahua, the ban covers equipment used for public safety and "
            "the security of government buildings.")
    found = categories(text)
    assert all("government_restriction" in found.get(v, set())
               for v in ("hytera", "hikvision", "dahua"))


def test_a_company_named_after_for_inside_a_clause_is_no_topic(categories):
    text = ("Councils that paid for Hytera radios last year say the ban covers equipment used for "
            "public safety.")
    assert "government_restriction" not in categories(text).get("hytera", set())


def test_headlines_under_a_related_links_heading_are_not_the_articles_text(categories):
    """The lines under "Related stories" link to other articles; what they say is not this
    article's claim about the companies it names."""
    text = ("Axis Communications opened a new office in Leeds on Monday.\n\nRelated stories\n"
            "- Hikvision added to the Entity List\n- Axis Communications fined by regulator\n\n"
            "Comments are closed.")
    found = categories(text)
    assert "sanctions" not in found.get("hikvision", set())


def test_a_paragraph_after_the_related_links_is_read_again(categories):
    text = ("Axis Communications opened a new office in Leeds.\n\nRelated stories\n"
            "- Axis opens a store\n\nHikvision was added to the Entity List in 2019.")
    assert "sanctions" in categories(text).get("hikvision", set())


def test_a_sentence_beginning_with_related_words_is_still_read(categories):
    text = ("Related to the ban, Hikvision was added to the Entity List in 2019, the notice said "
            "in a long paragraph about it.")
    assert "sanctions" in categories(text).get("hikvision", set())


def test_it_opening_a_quotation_does_not_reach_back_to_the_narration(categories):
    """"Calling it a backdoor ...": "it" is the bug the speaker discusses, not the company the
    sentence before named."""
    text = ('Axis Communications\' head of research said there was no sign of that. "Calling it '
            'a backdoor hides the real risk of spying," she said.')
    assert "security" not in categories(text).get("axis_communications", set())


def test_it_in_a_quotation_that_opened_a_sentence_before_still_refers_back(categories):
    text = ('"Hikvision makes good cameras. But it can be forced to pass data to the state '
            'security services," the minister said.')
    assert "security" in categories(text).get("hikvision", set())


def test_a_when_clause_is_not_closed_by_an_apposition_of_its_subject(categories):
    """", when X, the state-owned operator, bought ...": the comma after X opens an apposition
    describing X; the when-clause runs on."""
    text = ("That changed in 2023, when China Mobile, the state-owned telecoms operator, bought a "
            "stake in Dahua.")
    assert "state_control" in categories(text).get("china_mobile", set())


def test_a_report_after_a_fronted_participle_still_opens_the_clause(categories):
    """"Opening the session, the chair said X, Y and Z are on the list": ", the chair said X," is
    no aside, so X stays in the list."""
    text = ("Opening the session, the chair said Hikvision, Dahua and Hytera are already on the "
            "Covered List.")
    found = categories(text)
    assert all("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "hytera"))


def test_the_carrier_after_a_closing_when_clause_is_the_company_it_names(categories):
    """"It began in 2019, when the regulator denied X's application, concluding that the
    carrier ...": the when-clause is where the sentence goes, not an aside; "the carrier" is X."""
    text = ("The process began in 2019, when the regulator denied China Mobile's application, "
            "concluding that the carrier could be used by the Chinese government for espionage.")
    assert "security" in categories(text).get("china_mobile", set())


def test_the_first_word_of_an_unknown_company_stands_for_it(categories):
    """"Tanfeng Optics Ltd ... Tanfeng did not respond. ... the company said": the company is
    Tanfeng (not in the registry), not the known vendor named before it."""
    text = ("Tanfeng Optics Ltd makes lenses for Uniview. Uniview did not reply to letters. "
            "Tanfeng did not respond either. In a statement, however, the company said its workers "
            "sign contracts voluntarily.")
    assert "vendor_response" not in categories(text).get("uniview", set())


def test_a_word_the_text_uses_as_a_place_stands_for_no_company(categories):
    text = ("Tanfeng Optics Ltd has a plant in Tanfeng. Uniview did not reply to letters. Tanfeng "
            "police did not respond either. In a statement, however, the company said its "
            "workers sign contracts voluntarily.")
    assert "vendor_response" in categories(text).get("uniview", set())


def test_a_company_the_subject_is_likened_to_shares_the_claim(categories):
    """"X, like its neighbour Y, has been on the Entity List": Y is on it too."""
    text = "Hikvision, like its Hangzhou neighbour Dahua, has been on the Entity List since 2019."
    found = categories(text)
    assert "sanctions" in found.get("dahua", set()) and "sanctions" in found.get("hikvision", set())


def test_a_company_the_subject_is_likened_to_skips_a_later_predicate(categories):
    text = ("Hikvision, like its Hangzhou neighbour Dahua, makes cameras, and in 2022 the FCC "
            "stopped authorizing its devices, citing an unacceptable risk to national security.")
    assert "security" not in categories(text).get("dahua", set())


def test_a_company_the_subject_is_contrasted_with_does_not(categories):
    text = "Hikvision, unlike its Swedish rival Axis Communications, is on the Entity List."
    assert "sanctions" not in categories(text).get("axis_communications", set())


def test_a_company_introduced_and_then_named_in_apposition_is_that_company(categories):
    """"A small Chinese camera company has built ... The company, X, ...": the description in the
    first sentence is X, named in the second."""
    text = ("A small Chinese camera company has built a tool that sorts faces by ethnicity. The "
            "company, Tiandy, describes the tool in a patent filed in 2019.")
    assert "ethnic_profiling" in categories(text).get("tiandy", set())


def test_a_company_named_next_without_apposition_is_not_the_one_introduced(categories):
    text = ("A small Chinese camera company has built a tool that sorts faces by ethnicity. "
            "Tiandy, a larger firm, said it sells no such tool.")
    assert "ethnic_profiling" not in categories(text).get("tiandy", set())


def test_possessives_joined_by_and_are_a_list(categories):
    """"X's and Y's US units were added to the list": both companies' units were."""
    text = "China Mobile's and China Telecom's US units were added to the Covered List in 2022."
    found = categories(text)
    assert "sanctions" in found.get("china_mobile", set())
    assert "sanctions" in found.get("china_telecom", set())


def test_a_possessive_naming_another_party_joins_no_list(categories):
    text = ("Hikvision's rival Axis Communications was praised, and Dahua was added to the Entity "
            "List.")
    assert "sanctions" not in categories(text).get("hikvision", set())


def test_names_with_the_words_that_end_a_company_name_are_a_list(categories):
    """"X International USA and Y Americas were added": the full names are listed together."""
    text = ("The agency added China Mobile International USA and China Telecom Americas to the "
            "Covered List in March.")
    found = categories(text)
    assert "sanctions" in found.get("china_mobile", set())
    assert "sanctions" in found.get("china_telecom", set())


def test_a_name_followed_by_an_ordinary_noun_phrase_joins_no_list(categories):
    text = ("The agency praised China Mobile International for its network, and China Telecom "
            "Americas was added to the Covered List in March.")
    assert "sanctions" not in categories(text).get("china_mobile", set())


def test_a_list_after_the_matched_words_is_whole_however_far_it_runs(categories):
    """"bars schools from buying, or renewing contracts for, gear made by X or Y": Y's too."""
    text = ("A state law bars public schools from buying, or renewing maintenance contracts for, "
            "video equipment made by Hikvision or Dahua Technology.")
    found = categories(text)
    assert "government_restriction" in found.get("hikvision", set())
    assert "government_restriction" in found.get("dahua", set())


def test_a_company_far_after_the_matched_words_alone_is_out_of_reach(categories):
    text = ("A state law bars public schools from buying, or renewing maintenance contracts for, "
            "the kind of video equipment that is sold in shops by Dahua Technology.")
    assert "government_restriction" not in categories(text).get("dahua", set())


def test_what_follows_a_gapped_possessive_is_said_of_both_owners(categories):
    """"revoked A's licence in 2021 and B's the following year, citing espionage risks": the
    risks are cited against both."""
    text = ("The regulator revoked China Telecom's licence in 2021 and China Unicom's the "
            "following year, citing the risk that the Chinese state could use them for espionage.")
    found = categories(text)
    assert "security" in found.get("china_telecom", set())
    assert "security" in found.get("china_unicom", set())


def test_a_company_named_before_and_with_its_own_noun_is_no_gapped_partner(categories):
    text = ("The regulator praised China Telecom's network in 2021 and fined China Unicom the "
            "following year, citing the risk that the state could use it for espionage.")
    assert "security" not in categories(text).get("china_telecom", set())


def test_a_counted_group_introduced_is_the_companies_named_next(categories):
    """"added three Chinese camera companies to its blacklist" followed by a sentence naming
    exactly three: those are the three added."""
    text = ("The regulator added three Chinese camera companies to its trade blacklist on Monday. "
            "Hikvision, Dahua and Uniview were named in the notice.")
    found = categories(text)
    assert all("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "uniview"))


def test_a_counted_group_with_another_count_names_nobody(categories):
    text = ("The regulator added four Chinese camera companies to its trade blacklist on Monday. "
            "Hikvision, Dahua and Uniview were named in the notice.")
    found = categories(text)
    assert not any("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "uniview"))


def test_a_counted_group_does_not_reach_back_to_companies_named_before(categories):
    text = ("Hikvision, Dahua and Uniview sell cameras in Europe. The regulator added three other "
            "companies to its trade blacklist on Monday.")
    found = categories(text)
    assert not any("sanctions" in found.get(v, set()) for v in ("hikvision", "dahua", "uniview"))


def test_the_speaker_named_after_a_quotation_is_the_one_responding(categories):
    """'"We reject the claim ...," a DJI spokesman told senators': DJI is responding."""
    text = ('"We reject the suggestion that our drones put any data at risk," a DJI spokesman '
            "told senators.")
    assert "vendor_response" in categories(text).get("dji", set())


def test_a_company_named_in_a_quotation_by_another_company_is_not_responding(categories):
    text = ('"Hikvision sells cameras too, and we reject any claim that our drones put data at '
            'risk," a DJI spokesman told senators.')
    found = categories(text)
    assert "vendor_response" not in found.get("hikvision", set())
    assert "vendor_response" in found.get("dji", set())


@pytest.mark.parametrize("earlier, listed", [
    ("The Commerce Department added two camera makers to its Entity List in March.", True),
    ("The council keeps a list of approved suppliers for its depots.", False)])
def test_the_same_list_reaches_back_to_the_list_named_however_far(categories, earlier, listed):
    """"placed X on the same list" names no list: it is the one named before, paragraphs back
    if need be; a list that is no sanctions list carries nothing."""
    text = (f"{earlier} Officials said more could follow. The decision drew protests in Beijing. "
            "Analysts expect further moves. Trade groups asked for clarity.\n\n"
            "Years earlier, Washington had placed Hikvision and Dahua on the same list over "
            "their role in Xinjiang.")
    found = categories(text)
    assert ("sanctions" in found.get("hikvision", set())) is listed
    assert ("sanctions" in found.get("dahua", set())) is listed


def test_a_short_form_shared_with_another_company_does_not_stand_for_the_typed_vendor(rule_set):
    """A vendor typed outside the registry is searched cut short ("Corvane"); when the text names
    another company starting with that word, the word alone is that company's, not the vendor's."""
    from duediligence.check import resolve_vendor
    vendor = resolve_vendor("Corvane Intelligent Technology", rule_set)
    engine = Engine(rule_set, (vendor,))
    text = ("Regulators put Corvane Aerial on the Entity List on Monday. Corvane, which sells "
            "mapping drones, said it had done nothing wrong. The listing does not cover Corvane "
            "Intelligent Technology, which makes car parts.")
    analysis = engine.analyse(Document("case.txt", text, "0" * 64, 0))
    assert not [c for c in analysis.claims if vendor.id in c.vendor_ids]


def test_a_short_form_of_the_typed_vendor_still_counts_when_no_other_company_shares_it(rule_set):
    from duediligence.check import resolve_vendor
    vendor = resolve_vendor("Corvane Intelligent Technology", rule_set)
    engine = Engine(rule_set, (vendor,))
    text = "Regulators put Corvane on the Entity List on Monday."
    analysis = engine.analyse(Document("case.txt", text, "0" * 64, 0))
    assert [c for c in analysis.claims if vendor.id in c.vendor_ids]


@pytest.mark.parametrize("question", [
    "Is Hikvision controlled by the Chinese state?",
    "Is Hikvision a state-owned company?",
])
def test_a_question_asserts_nothing_even_for_rules_that_allow_modal_wording(categories, question):
    text = f"A buyer's guide to cameras\n\n{question}\n\nThe answer is more complicated than it looks."
    assert "state_control" not in categories(text).get("hikvision", set())


def test_their_after_a_person_stands_for_that_person_not_for_companies(categories):
    """"to tell a householder why their router ...": "their" is the householder's."""
    text = ("The operator buys its routers from Ericsson and Nokia. \"No engineer wants to tell a "
            "householder why their router has a back door,\" the operator's manager said.")
    found = categories(text)
    assert "security" not in found.get("ericsson", set())
    assert "security" not in found.get("nokia", set())


def test_a_company_in_a_participial_aside_is_not_the_subject(categories):
    """"software from X, running on a Y server, could flag Uyghurs": the software is X's."""
    text = ("A leaked manual shows that analytics software from SenseTime, running on a Huawei "
            "storage cluster, was designed to detect Uyghurs in crowds.")
    found = categories(text)
    assert "ethnic_profiling" in found.get("sensetime", set())
    assert "ethnic_profiling" not in found.get("huawei", set())


def test_grounds_for_a_forced_sale_are_the_sellers_not_the_company_sold(categories):
    """"ordered X to sell Y on security grounds": the grounds are X's ownership; Y is sold."""
    text = ("Imagination Technologies was bought by a Chinese fund in 2017. Last year ministers "
            "ordered Hikvision to sell Axis Communications on national security grounds.")
    found = categories(text)
    assert "security" not in found.get("axis_communications", set())
    assert "security" in found.get("hikvision", set())


def test_the_company_that_commissioned_a_review_is_not_what_the_review_found(categories):
    """"after an audit it commissioned found flaws in Y's modules": the findings are Y's."""
    text = ("Bosch said an audit it commissioned last year found a hidden debug port in a batch "
            "of radio modules.")
    found = categories(text)
    assert "audit_finding" not in found.get("bosch", set())


def test_a_company_before_a_review_it_did_not_commission_keeps_the_finding(categories):
    text = "A government audit found serious security vulnerabilities in Quectel modules."
    assert "audit_finding" in categories(text).get("quectel", set())


def test_a_name_after_a_company_noun_is_another_company(categories):
    """"the consultancy Ashgrove Partners stopped using ...": a company acts, not a government."""
    text = ("The UK meter maker Larkfield Metering has stopped using modules from Quectel, "
            "citing security concerns.")
    assert "government_restriction" not in categories(text).get("quectel", set())


def test_an_example_of_an_industry_is_not_accused(categories):
    """"rivals in the spyware business, such as X, ...": X is an example of the trade."""
    text = ("The ruling will be read carefully by rivals in the spyware business, such as "
            "NSO Group, which took no part in the case.")
    assert "security" not in categories(text).get("nso_group", set())


def test_a_company_closing_the_sentence_as_speaker_is_not_the_object(categories):
    """"... buyers who must replace equipment from banned suppliers, the company said": the
    company speaks; the banned suppliers are others."""
    text = ("Bosch has launched cameras for councils that must replace equipment from banned "
            "suppliers, the company said on Monday.")
    assert "government_restriction" not in categories(text).get("bosch", set())


def test_a_company_giving_a_statement_is_whom_the_next_sentence_means(categories):
    """"Statement from Orvana just in. The company says ...": not a company named earlier."""
    text = ("09:10 - Bosch told the committee its cameras contain no hidden modems.\n\n"
            "09:40 - Statement from Orvana just in. The company says it has always complied with "
            "the law in every market where it operates.")
    assert "vendor_response" not in categories(text).get("bosch", set())


def test_a_company_after_a_fronted_phrase_that_says_something_is_the_object(categories):
    """"After the 2021 breach, X said it had ...": X opens the main clause; it is no trailing
    speaker of the words before."""
    text = ("After the 2021 data breach, Verkada said it had restricted employee access to "
            "customer video.")
    assert "security" in categories(text).get("verkada", set())


def test_a_place_name_in_a_description_does_not_block_it(categories):
    """"the New York start-up" is no "new" company: it refers back to the one just named."""
    text = "Take Clearview AI. The New York start-up was added to the Entity List last year."
    assert "sanctions" in categories(text).get("clearview_ai", set())


def test_a_would_in_reported_speech_after_a_coordinated_verb_is_no_hypothetical(categories):
    """"said the ministry accepted the findings and would remove X devices": a commitment."""
    text = ("The minister said the ministry accepted every recommendation and would remove all "
            "Hikvision cameras from its buildings by March.")
    assert "government_restriction" in categories(text).get("hikvision", set())


def test_a_participle_found_in_is_no_reporting_verb(categories):
    """", found in everything from chargers to pumps, could give Beijing ...": "found in" does not
    open a reported clause that would cut the claim off from its subject."""
    text = ("Lawmakers asked regulators to review modules made by Quectel, arguing that the modules, "
            "found in everything from chargers to pumps, could give Beijing a way into networks.")
    assert "security" in categories(text).get("quectel", set())


def test_both_companies_can_be_a_subject_and_its_companion(categories):
    """"X was added in 2021, along with fellow firm Y. ... both companies had ...": the two."""
    text = ("NSO Group was added to the Entity List in 2021, along with fellow Israeli firm "
            "Candiru Ltd and Hikvision. The department said both companies had supplied spyware to "
            "governments that used it to target journalists.")
    found = categories(text)
    assert "human_rights" not in found.get("hikvision", set())


def test_both_companies_means_a_subject_and_its_one_companion(categories):
    text = ("Huawei was added to the Entity List in 2019, along with fellow Chinese firm ZTE. The "
            "department said both companies had supplied surveillance equipment used to target "
            "journalists and dissidents.")
    found = categories(text)
    assert "human_rights" in found.get("huawei", set()) and "human_rights" in found.get("zte", set())


def test_it_after_a_body_that_went_further_and_ordered_it_is_the_company(categories):
    """"The watchdog went further and ordered it to stop": "it" is not the watchdog."""
    text = ("Clearview AI scraped billions of photographs. Regulators have noticed. Italy's "
            "watchdog went further and banned it from operating in Italy.")
    assert "government_restriction" in categories(text).get("clearview_ai", set())


@pytest.mark.parametrize("typed, short", [
    ("Xinjiang Tianshan Vision", "tianshan vision"),
    ("Shenzhen Lumora Wireless", "lumora"),
])
def test_regional_prefixes_and_generic_tails_are_dropped_from_typed_names(rule_set, typed, short):
    from duediligence.check import resolve_vendor
    assert short in [n.text for n in resolve_vendor(typed, rule_set).names]


def test_a_company_acting_with_a_quoted_adverb_is_still_the_actor(categories):
    """'X had "systematically" replaced Y branding': X, a company, acts; no public body's act."""
    text = ('The tribunal found that Corvane Systems Ltd had "systematically" replaced Hikvision '
            'branding on cameras with its own labels.')
    assert "government_restriction" not in categories(text).get("hikvision", set())


def test_a_relative_clause_on_a_compared_company_still_speaks_of_it(categories):
    """"Unlike X, which has been on the Entity List since 2021, Y is not restricted": the
    relative clause is a fact about X; only the main predicate is denied of it."""
    text = ("Unlike Hikvision, which has been on the Entity List since 2019, Axis Communications "
            "faces no US restrictions.")
    found = categories(text)
    assert "sanctions" in found.get("hikvision", set())
    assert "sanctions" not in found.get("axis_communications", set())


def test_a_compared_company_gets_nothing_from_the_main_clause(categories):
    text = ("Unlike Axis Communications, which is Swedish, Hikvision has been on the Entity List "
            "since 2019.")
    found = categories(text)
    assert "sanctions" not in found.get("axis_communications", set())


def test_a_capitalised_company_noun_inside_a_body_name_is_no_reference(categories):
    """"the Business and Trade Committee" names a committee, not "the business" in focus."""
    text = ("Hikvision sells cameras across Britain. A member of the Business and Trade Committee "
            "was placed on a sanctions list by Beijing last year.")
    assert "sanctions" not in categories(text).get("hikvision", set())


@pytest.mark.parametrize("typed, short, absent", [
    ("Larch Green Energy Technology", "larch", None),
    ("Green Energy Ltd", "green energy", "green"),
    ("Quillon AI", "quillon", None),
    ("Varrow Carbon Materials", "varrow", None),
    ("KTR Group", "ktr", None),
    ("Open Group", "open group", "open"),
])
def test_typed_names_shrink_past_generic_words_but_never_to_generic_words_alone(
        rule_set, typed, short, absent):
    from duediligence.check import resolve_vendor
    keys = [n.text for n in resolve_vendor(typed, rule_set).names]
    assert short in keys and absent not in keys


def test_a_companion_not_described_as_a_company_of_the_kind_does_not_join_a_counted_group(
        categories):
    """"X's products, together with Y and Z" then "all three carriers": X is no carrier."""
    text = ("In 2022 the FCC added Kaspersky Lab's products, together with China Mobile and China "
            "Telecom, to its list. China Unicom followed in September. All three carriers are "
            "subsidiaries of state-owned telecoms giants.")
    assert "state_control" not in categories(text).get("kaspersky", set())


def test_a_rival_named_for_comparison_gets_nothing_from_its_relative_clause(categories):
    """"Its larger rival Huawei, which says it is owned by its employees, ...": a rival named in
    passing, not a vendor answering a concern."""
    text = ("ZTE is listed in Shenzhen. Its larger domestic rival Huawei, which says it is owned by "
            "its employees, has won many of the same contracts.")
    assert "vendor_response" not in categories(text).get("huawei", set())


def test_a_bystander_declining_to_comment_is_not_its_own_silence(categories):
    """A company named once, only to say it would not comment on another company's affair, is
    mentioned in passing: its silence is about someone else's business, not its own."""
    text = ("Sugon was added to the Entity List on Tuesday, the Commerce Department said. Sugon "
            "did not answer repeated questions about its military customers. Lenovo, which buys "
            "server boards from several Chinese suppliers, declined to comment on the decision.")
    found = categories(text)
    assert "transparency" in found.get("sugon", set())
    assert "transparency" not in found.get("lenovo", set())


def test_a_company_named_again_keeps_its_silence_when_it_is_more_than_a_bystander(categories):
    """Named in other sentences too, a company's refusal stays its own."""
    text = ("Lenovo, which buys server boards from Sugon, declined to comment on the decision. "
            "Lenovo has bought such boards since 2019, its annual report shows.")
    assert "transparency" in categories(text).get("lenovo", set())


def test_a_one_word_company_named_again_is_what_the_company_means(categories):
    """"the security firm Corvane" makes Corvane a company; named again later by that word
    alone, it is still that company, so "the company" after it does not slide back to a
    registry vendor named in an earlier sentence."""
    text = ("Police dropped the security firm Corvane from a tender for border scanners. The "
            "contract is now expected to go to Nuctech. In the past, Corvane drew criticism for "
            "its exports; the company has always stressed that it complies with export rules.")
    assert "vendor_response" not in categories(text).get("nuctech", set())


def test_a_company_named_only_in_an_apposition_is_not_what_the_next_sentence_means(categories):
    """"the app's representative, a manager at its parent X, told ...": X is named to describe a
    person; "the company" in the next sentence is the app's maker, not X."""
    text = ("10:19 - The app's representative, a manager at its parent Hikvision, told the panel "
            "that sellers are vetted. The company says it has strengthened its compliance "
            "programme since January.")
    assert "vendor_response" not in categories(text).get("hikvision", set())


def test_the_company_a_representative_speaks_for_is_the_representatives(categories):
    """"A Lorvex spokesman said the company ...": the company is Lorvex, whom the registry does
    not know, not the registry vendor of the sentence before."""
    text = ("The Pentagon added DJI to its list of Chinese military companies on Tuesday. A "
            "Lorvex spokesman said the company would not answer questions about its customers.")
    assert "transparency" not in categories(text).get("dji", set())


def test_a_listing_inside_a_clause_made_conditional_by_an_aside_is_not_asserted(categories):
    """"A draft law would, if adopted, put X on the list": the condition set off by commas makes
    the whole clause hypothetical, though the company stands after its last comma."""
    text = ("A draft law tabled by two senators would, if adopted, place Hytera on the FCC's "
            "Covered List.")
    assert "sanctions" not in categories(text).get("hytera", set())


def test_the_company_that_commissioned_an_audit_is_not_what_the_audit_found(categories):
    """"An audit commissioned by X, then a shareholder, found ...": X ordered the review."""
    text = ("An audit commissioned by Lenovo, then a shareholder, found that software from "
            "Larkspur Systems had been used to track protesters.")
    assert "audit_finding" not in categories(text).get("lenovo", set())


def test_a_companys_own_terms_of_service_banning_a_use_are_no_public_restriction(categories):
    """"X's terms of service prohibit such use": the company's own rules, not a government's act."""
    text = ("Police in the region ran the faces through a cloud service. Cisco's terms of service "
            "prohibit such use, and there is no indication that the company knew about it.")
    assert "government_restriction" not in categories(text).get("cisco", set())


@pytest.mark.parametrize("noun", ["organizations", "outfits", "enterprises", "transporters"])
def test_spun_plural_company_nouns_refer_to_the_list_before(categories, noun):
    """Article spinners swap "companies" for "organizations", "outfits", "enterprises" (and
    "carriers" for "transporters"): the plural reference still means the companies just listed."""
    text = ("Regulators in Lisbon named Huawei and ZTE in a report on Tuesday. The two "
            f"{noun} pose a risk to national security, the report said.")
    found = categories(text)
    assert "security" in found.get("huawei", set()) and "security" in found.get("zte", set())


def test_a_short_form_defined_in_brackets_is_that_unknown_company(categories):
    """"Brightwater Optics Ltd (BWO) ... BWO ...; the company ...": BWO is the unknown company,
    so "the company" is BWO, not a registry vendor named in an earlier sentence."""
    text = ("Hikvision supplied cameras to Brightwater Optics Ltd (BWO) in 2021.\n\nLast year, BWO "
            "drew criticism over shipments abroad; the company has always stressed that it "
            "complies with Dutch export regulations.")
    assert "vendor_response" not in categories(text).get("hikvision", set())


def test_a_capitalised_name_ending_in_a_company_noun_is_no_reference(categories):
    """"the International Labour Organization" is a body's name, not "the organization"."""
    text = ("Dahua sells cameras across Asia. The use of forced labour in the region was "
            "condemned by the International Labour Organization in a report.")
    assert "forced_labour" not in categories(text).get("dahua", set())


def test_a_company_after_a_new_coordinated_clause_is_not_the_object(categories):
    """"X's terms prohibit such use, and there is no sign that Y knew": Y is the subject of a new
    clause, not what the prohibition is about."""
    text = ("Police ran the footage through a face search tool. Their contract prohibits such "
            "use, and there is no sign that Hikvision knew about it.")
    assert "government_restriction" not in categories(text).get("hikvision", set())


def test_state_control_of_an_owner_in_a_relative_clause_holds_for_the_company_it_owns(categories):
    """"X is partly owned by Y, which is controlled by the state": the state controls X through Y.
    Not so for a company merely named before the owner."""
    text = ("Uniview is partly owned by Harrow Capital Holdings, which is controlled by the "
            "Chinese state.")
    assert "state_control" in categories(text).get("uniview", set())
    text = ("Uniview sold cameras to Harrow Capital Holdings, which is controlled by the Chinese "
            "state.")
    assert "state_control" not in categories(text).get("uniview", set())


def test_a_participle_after_a_listing_bars_the_companies_the_listing_named(categories):
    """"The FCC put X and Y on its list, in effect blocking new approvals": the participle goes on
    with the main verb, so it bars the companies the main verb put on the list."""
    text = ("Last year the FCC put Uniview and Tiandy on its Covered List, effectively barring new "
            "equipment approvals.")
    found = categories(text)
    assert "government_restriction" in found.get("uniview", set())
    assert "government_restriction" in found.get("tiandy", set())


def test_a_participle_after_a_companys_own_act_bars_no_one(categories):
    """With a company, not a public body, as the main verb's subject, nothing is barred."""
    text = ("Axis Communications shipped new firmware to Uniview, effectively barring older "
            "cameras from updates.")
    assert "government_restriction" not in categories(text).get("uniview", set())


def test_state_owned_describing_a_countrys_operator_after_a_preposition_is_not_the_subjects(
        categories):
    """"X sold its gear to Laos's state-owned telecoms operator": the operator is state-owned."""
    text = "Hytera sold its radios to Laos's state-owned telecoms operator in 2020."
    assert "state_control" not in categories(text).get("hytera", set())


def test_it_listed_later_names_go_on_the_list_the_article_named_before(categories):
    """"In 2019 it listed X and Y": "it" is the body whose Entity List listing the article
    reported earlier, so X and Y are on that list too."""
    text = ("The Commerce Department on Monday added Hytera to its Entity List. The agency has "
            "targeted radio makers before. In 2019 it listed Hikvision and Dahua.")
    found = categories(text)
    assert "sanctions" in found.get("hikvision", set())
    assert "sanctions" in found.get("dahua", set())


def test_a_company_listed_on_a_stock_exchange_is_not_listed_by_anyone(categories):
    text = ("The Commerce Department on Monday added Hytera to its Entity List. Hikvision is "
            "listed in Shenzhen. In 2025 it listed its unit Ezviz.")
    found = categories(text)
    assert "sanctions" not in found.get("hikvision", set())
    assert "sanctions" not in found.get("ezviz", set())
