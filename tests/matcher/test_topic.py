"""A need's subject apart from its constraints (matcher.topic): a table of real need wordings, and laws."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.normalise import fold
from matcher.topic import learning_subject, subject_phrase, topic_or_text, topic_text, without_constraints


@pytest.mark.parametrize("text, subject", [
    ("To lærlinger og tre ufaglærte skal ta fagbrev som tømrer. Det er videregående nivå vi trenger.", "tømrer"),
    ("Flere røktere skal ta fagbrev i akvakulturfaget.", "røktere akvakulturfaget"),
    ("Sykepleierne trenger videreutdanning i palliasjon og smertelindring.", "sykepleierne palliasjon smertelindring"),
    ("Kveldskurs i regnskap, maks 15 studiepoeng, helst på nett ved siden av jobb.", "regnskap"),
    ("Me treng sveising av aluminium, gjerne nettbasert ved sida av jobb.", "sveising aluminium"),
    ("Fleire tilsette vil ta vidareutdanning i feilsøking på hybridbiler neste år.", "feilsøking hybridbiler"),
    ("Fagskole-modul i hydraulikk fra høsten 2027, samlingsbasert over to semester.", "hydraulikk"),
    ("Our staff need training in fish welfare, online and part-time.", "fish welfare"),
    ("Vi trenger kurs på videregående nivå, på nett, ved siden av jobb.", ""),
])
def test_constraint_words_leave_and_the_subject_stays(text, subject):
    assert topic_text(text) == subject


@pytest.mark.parametrize("text, subject", [
    # who asks stands before the request verb; what is asked for follows it
    ("Driftsleiaren vil ha snørydding med hjullaster for heile laget.", "snørydding hjullaster"),
    ("Sykepleierne trenger videreutdanning i palliasjon og smertelindring.", "palliasjon smertelindring"),
    ("Flere røktere skal ta fagbrev i akvakulturfaget.", "akvakulturfaget"),
    ("Our food scientists need statistics for sensory analysis.", "statistics sensory analysis"),
    ("Kommunen ser etter kurs i gravlegging for vaktmestrene.", "gravlegging"),
    # a topicalised time or place before the verb is not a requester either, and stays out
    ("Til hausten treng vi sveising av aluminium.", "sveising aluminium"),
    # a passive verb follows the subject, which stays
    ("Truckførerbevis trengs for lagerarbeiderne.", "truckførerbevis"),
    # the verb too far in to be the second constituent: nothing is dropped before it
    ("Kurs i grunnleggende hygiene for kjøkkenet vårt, som vi trenger snart.", "grunnleggende hygiene kjøkkenet"),
    # "for" + an indefinite noun is part of the subject
    ("Vi treng sikkerheit for breførarar.", "sikkerheit breførarar"),
])
def test_learning_subject_leaves_out_who_asks_and_whom_it_is_for(text, subject):
    assert learning_subject(text) == subject


def test_the_code_tagger_keeps_the_audience_the_clusters_leave_out():
    text = "Sykepleierne trenger videreutdanning i palliasjon."
    assert topic_text(text) == "sykepleierne palliasjon" and learning_subject(text) == "palliasjon"


WORDS = st.sampled_from(["fagbrev", "på", "nett", "sveising", "regnskap", "ved", "siden", "av", "jobb", "maks", "15",
                         "studiepoeng", "Lærlingene", "drone", "i", "kveldskurs", "nivå", "videregående", "demens",
                         "hybridbiler", "neste", "år", "trenger", "vi", ",", "."])


@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_topic_text_is_idempotent_and_only_keeps_words_of_the_text(text):
    subject = topic_text(text)
    assert topic_text(subject) == subject
    assert set(subject.split()) <= set(text.lower().replace(",", " ").replace(".", " ").split())


@given(st.lists(WORDS, min_size=1, max_size=25).map(" ".join))
def test_something_is_always_left_to_embed(text):
    assert topic_or_text(text).strip() or not text.strip(" ,.")


@pytest.mark.parametrize("text, phrase", [
    ("Sykepleierne trenger videreutdanning i palliasjon og smertelindring.", "palliasjon og smertelindring"),
    ("Vi trenger kurs i sikker føring av RIB med passasjerer, sjøredning og førstehjelp til sjøs.",
     "sikker føring av RIB med passasjerer, sjøredning og førstehjelp til sjøs"),
    ("Montørene skal fly drone ved linjeinspeksjon og trenger dronesertifikat (A2/STS) og opplæring i bildeanalyse.",
     "fly drone ved linjeinspeksjon"),
    ("To lærlinger og tre ufaglærte skal ta fagbrev som tømrer. Det er videregående nivå vi trenger.", "tømrer"),
    ("Our staff need training in fish welfare, online and part-time.", "fish welfare"),
    ("Vi trenger kurs på videregående nivå, på nett, ved siden av jobb.", ""),
])
def test_subject_phrase_is_the_needs_own_words_for_its_subject(text, phrase):
    assert subject_phrase(text) == phrase


@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_subject_phrase_is_a_stretch_of_the_text_with_its_subject_words(text):
    phrase = subject_phrase(text)
    if not phrase:
        return
    words = phrase.removesuffix(" …").split()
    assert len(words) <= 12
    assert " ".join(words) in " ".join(text.split())  # as written, in order
    assert set(topic_text(phrase.removesuffix(" …")).split()) <= set(topic_text(text).split())


@given(st.lists(WORDS, max_size=30).map(" ".join))
def test_learning_subject_only_ever_removes_subject_words(text):
    assert set(learning_subject(text).split()) <= set(topic_text(text).split())


@pytest.mark.parametrize("text, read", [
    ("Kalkyle i byggeprosjekter. Opplæringen må være nettbasert.", "kalkyle i byggeprosjekter. opplæringen må være ."),
    ("Kveldskurs i regnskap, maks 15 studiepoeng, helst på nett ved siden av jobb.", "i regnskap, , helst ."),
    ("Vi ønskjer samlingsbaserte vidareutdanningsemne på deltid.", "vi ønskjer på ."),
    # a compound whose head is a subject stays
    ("Kurs i høgskulepedagogikk for universitetsbibliotekarer", "kurs i høgskulepedagogikk for universitetsbibliotekarer"),
    ("Et emne på høgskole- eller universitetsnivå i farmakologi", "et emne på - eller i farmakologi"),
    # a removal that joins a new phrase is read again ("på [på nett] nett")
    ("på på på nett nett", "på"),
    # nothing but constraints: the text as it is (folded), so the leg still has something to read
    ("Nettbasert", "nettbasert"),
])
def test_the_lexical_leg_reads_a_need_without_its_constraint_words(text, read):
    assert without_constraints(text) == read


@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_without_constraints_is_idempotent_and_only_removes_words(text):
    read = without_constraints(text)
    assert without_constraints(read) == read
    assert set(read.split()) <= set(fold(text).split())
    assert read or not text.strip()
