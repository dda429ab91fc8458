"""Writes catalog/demo/offers.jsonl and needs.jsonl: DEMO DATA written for Kompetansemegler.

Institution and municipality names are real; every course text, firm and need is invented
for the demo. Run: python scripts/make_demo_data.py
"""
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "catalog" / "demo"

P = {  # key: (provider, type)
    "fi": ("Fagskolen Innlandet", "fagskole"), "fv": ("Fagskulen Vestland", "fagskole"),
    "fn": ("Fagskolen i Nordland", "fagskole"), "fr": ("Fagskolen Rogaland", "fagskole"),
    "fvk": ("Fagskolen i Viken", "fagskole"), "ft": ("Fagskolen i Troms", "fagskole"),
    "uit": ("UiT Norges arktiske universitet", "university"), "nord": ("Nord universitet", "university"),
    "inn": ("Høgskolen i Innlandet", "university_college"), "ntnu": ("Norges teknisk-naturvitenskapelige universitet", "university"),
    "hvl": ("Høgskulen på Vestlandet", "university_college"), "usn": ("Universitetet i Sørøst-Norge", "university"),
    "molde": ("Høgskolen i Molde", "university_college"), "uia": ("Universitetet i Agder", "university"),
    "ntsc": ("Nord-Troms studiesenter", "study_centre"), "fins": ("Studiesenteret Finnsnes", "study_centre"),
    "hall": ("Hallingdal studiesenter", "study_centre"), "kvs": ("Kongsvinger studiesenter", "study_centre"),
    "ofs": ("Studiesenter Øst-Finnmark", "study_centre"), "nhs": ("Nord-Helgeland studiesenter", "study_centre"),
    "vgs_nt": ("Nord-Troms videregående skole – voksenopplæring", "upper_secondary"),
    "vgs_kir": ("Kirkenes videregående skole – voksenopplæring", "upper_secondary"),
    "vgs_al": ("Ål vidaregåande skule – vaksenopplæring", "upper_secondary"),
    "vgs_kv": ("Kongsvinger videregående skole – voksenopplæring", "upper_secondary"),
    "vgs_hi": ("Guri Kunna videregående skole – voksenopplæring", "upper_secondary"),
    "vgs_tr": ("Trysil videregående skole – voksenopplæring", "upper_secondary"),
    "aof": ("AOF Norge", "private"), "kar": ("Karrieresenteret i Troms og Finnmark", "career_centre"),
}

# (id, title, description, provider, level, credits, unit, delivery, locations, language, start, min_participants, price)
O = [
 # --- welding and industry
 ("sv-01", "Sveiseteknikk MIG/MAG for fagarbeidere", "Praktisk kurs i MIG/MAG-sveising av stål og aluminium. Sveiseprosedyrer (WPS), sveisefeil og kvalitetskontroll. Forbereder til sveisesertifikat etter NS-EN ISO 9606.", "aof", None, 40, "hours", "campus", "Sunndal", "nb", "2026-02-02", 8, 14500),
 ("sv-02", "Sveisesertifisering ISO 9606 – stål", "Opplæring og prøving for sveisesertifikat i stål. Passer for fagarbeidere i mekanisk industri som trenger å fornye eller ta nytt sertifikat.", "aof", None, 24, "hours", "campus", "Årdal", "nb", "2026-03-09", 6, 12000),
 ("sv-03", "Sveiseinspektør (IWI) – videreutdanning", "Fagskoleutdanning i sveiseteknologi og inspeksjon: materialteknologi, sveisemetoder, NDT og dokumentasjon. Samlingsbasert med nettundervisning mellom samlingene.", "fr", "5.1", 30, "fagskolepoeng", "samlingsbasert", "Stavanger", "nb", "2026-08-17", 12, None),
 ("sv-04", "Industrimekanikerfaget for praksiskandidater", "Teori for fagprøve som industrimekaniker: vedlikehold, hydraulikk, pneumatikk, sveising og HMS. For voksne med lang praksis i industrien.", "vgs_hi", "4", None, None, "desentralisert", "Kristiansund", "nb", "2026-08-24", 8, None),
 ("sv-05", "Platearbeiderfaget – Vg3 for voksne", "Opplæring mot fagbrev som platearbeider: tegningsforståelse, plateteknikk, sveising og montasje.", "vgs_kir", "4", None, None, "desentralisert", "Sør-Varanger", "nb", "2026-08-24", 6, None),
 # --- wood-based industry
 ("tre-01", "Treteknikk og produksjon i trebasert industri", "Fagskoleutdanning om treets egenskaper, sagbruk, høvleri, tørking og kvalitetssortering. Produksjonsplanlegging og lønnsomhet i trebasert industri.", "fi", "5.1", 60, "fagskolepoeng", "samlingsbasert", "Gjøvik", "nb", "2026-08-17", 15, None),
 ("tre-02", "Lean og kontinuerlig forbedring i produksjon", "Lean-prinsipper i praksis: verdistrømsanalyse, 5S, standardisert arbeid og forbedringsmøter. Eksempler fra sagbruk og møbelindustri.", "fi", "5.1", 10, "fagskolepoeng", "online,samlingsbasert", "Gjøvik", "nb", "2026-09-01", 12, None),
 ("tre-03", "Automatisering og robotisering i trebearbeiding", "Styringssystemer, sensorer og robotceller i moderne trebearbeidende industri. Praktiske øvinger i automasjonslab.", "ntnu", "6", 7.5, "studiepoeng", "campus", "Gjøvik", "nb", "2026-08-20", None, None),
 ("tre-04", "Limtre og massivtre – konstruksjon og produksjon", "Bruk av limtre og krysslaminert massivtre i bygg. Produksjonsprosesser, dimensjonering og kvalitetssikring.", "ntnu", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 ("tre-05", "Trelastsortering – sertifiseringskurs", "Kurs i visuell og maskinell styrkesortering av trelast etter NS-EN 14081. Gir grunnlag for sertifisering som sorterer.", "aof", None, 30, "hours", "campus", "Elverum", "nb", "2026-10-05", 8, 9800),
 # --- tourism
 ("rl-01", "Vertskap og gjestebehandling i reiselivet", "Kort kurs i vertskap, service og gjesteopplevelse for ansatte i reiselivsbedrifter. Kommunikasjon med internasjonale gjester.", "ntsc", None, 20, "hours", "hybrid", "Nordreisa", "nb", "2026-10-12", 10, 3500),
 ("rl-02", "Arktisk naturguiding", "Guiding i arktisk natur: turplanlegging, risikovurdering, førstehjelp i kulde og formidling av natur og kultur. Praksis i felt i Nord-Troms.", "uit", "6", 15, "studiepoeng", "samlingsbasert", "Tromsø", "nb", "2026-08-19", 15, None),
 ("rl-03", "Arctic tourism and experience design", "Designing nature-based tourism experiences in the Arctic: product development, sustainability and guest safety. Taught in English, online with two gatherings.", "uit", "6", 10, "ects", "online,samlingsbasert", "Alta", "en", "2026-08-26", None, None),
 ("rl-04", "Bærekraftig reiseliv og destinasjonsutvikling", "Bærekraft i reiselivet, sertifiseringsordninger, besøksforvaltning og samarbeid på destinasjonen.", "inn", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-13", None, None),
 ("rl-05", "Nordlysguiding og vintersikkerhet", "Praktisk kurs for nordlysguider: nordlysets fysikk, foto, kjøring på vinterføre og sikkerhet for gjester i mørke og kulde.", "ntsc", None, 16, "hours", "campus", "Lyngen", "nb", "2026-11-02", 8, 4200),
 ("rl-06", "Reiselivsledelse og markedsføring", "Ledelse av små reiselivsbedrifter: markedsføring, digitale salgskanaler, prissetting og sesongarbeidskraft.", "ft", "5.1", 30, "fagskolepoeng", "online", None, "nb", "2026-08-24", 12, None),
 ("rl-07", "Hospitality English for tourism staff", "Practical English for front-line staff in hotels, restaurants and activity companies: welcoming guests, handling complaints and safety briefings.", "kar", None, 24, "hours", "online", None, "en", "2026-09-14", 8, 2500),
 ("rl-08", "Opplevelsesturisme – produktutvikling for små bedrifter", "Fra idé til bookbart produkt: målgrupper, pakking, prising og samarbeid med turoperatører.", "hall", None, 18, "hours", "samlingsbasert", "Gol", "nb", "2026-10-20", 8, 3900),
 # --- emergency preparedness and entrepreneurship
 ("bd-01", "Samfunnssikkerhet og beredskap", "Risiko, sårbarhet og beredskap i kommuner og virksomheter: helhetlig ROS-analyse, beredskapsplanlegging, øvelser og krisekommunikasjon.", "nord", "6", 15, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("bd-02", "Krisehåndtering og krisekommunikasjon for kommuner", "Kort kurs for kriseledelse i kommunen: stab, roller, informasjon til innbyggere og medier, evaluering etter hendelser.", "ofs", None, 14, "hours", "hybrid", "Sør-Varanger", "nb", "2026-11-16", 10, 4500),
 ("bd-03", "Risiko- og sårbarhetsanalyse (ROS) i praksis", "Metoder for ROS-analyse, beredskapsplaner og oppfølging. Øvinger med reelle case fra kommuner og industri.", "fn", "5.1", 10, "fagskolepoeng", "online", None, "nb", "2026-09-07", 10, None),
 ("bd-04", "Grenseoverskridende beredskap i nordområdene", "Beredskapssamarbeid mellom Norge, Finland og Russland: søk og redning, ulykker til sjøs og i fjellet, sivil-militært samarbeid.", "uit", "7", 10, "studiepoeng", "samlingsbasert", "Sør-Varanger", "nb", "2027-01-18", None, None),
 ("en-01", "Entreprenørskap og innovasjon", "Fra forretningsidé til levedyktig bedrift: kundeutvikling, forretningsmodell, finansiering og innovasjon i små virksomheter.", "uit", "6", 10, "studiepoeng", "samlingsbasert", "Alta", "nb", "2026-08-26", None, None),
 ("en-02", "Forretningsutvikling for småbedrifter", "Praktisk kurs for gründere og småbedrifter: budsjett, markedsføring, prising og samarbeid i næringsnettverk.", "ofs", None, 20, "hours", "hybrid", "Sør-Varanger", "nb", "2026-10-06", 8, 2800),
 ("en-03", "Innovasjon og nyskaping i distriktene", "Innovasjonsprosesser i små samfunn: nettverk, klynger, offentlig-privat samarbeid og virkemiddelapparatet.", "nord", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-14", None, None),
 # --- health
 ("he-01", "Demensomsorg", "Fagskoleutdanning i demensomsorg: demenssykdommer, personsentrert omsorg, kommunikasjon, miljøbehandling og pårørendesamarbeid.", "fi", "5.1", 30, "fagskolepoeng", "samlingsbasert", "Kongsvinger", "nb", "2026-08-24", 15, None),
 ("he-02", "Helsefagarbeider – praksiskandidat", "Teoriopplæring mot fagbrev som helsefagarbeider for voksne med praksis fra helse- og omsorgstjenester.", "vgs_kv", "4", None, None, "desentralisert", "Kongsvinger", "nb", "2026-08-24", 10, None),
 ("he-03", "Psykisk helsearbeid og rus", "Fagskoleutdanning om psykiske lidelser, rusproblematikk, recovery og samhandling i kommunale tjenester.", "fv", "5.1", 60, "fagskolepoeng", "online,samlingsbasert", "Sunnfjord", "nn", "2026-08-17", 15, None),
 ("he-04", "Palliasjon – lindrende behandling og omsorg", "Videreutdanning for sykepleiere: symptomlindring, smertebehandling, omsorg ved livets slutt og samtaler med pårørende.", "inn", "6", 15, "studiepoeng", "online,samlingsbasert", "Elverum", "nb", "2026-08-20", None, None),
 ("he-05", "Velferdsteknologi i helse- og omsorgstjenestene", "Digitalt tilsyn, trygghetsskapende teknologi, medisineringsstøtte og implementering av velferdsteknologi i kommunen.", "fn", "5.1", 15, "fagskolepoeng", "online", None, "nb", "2026-09-01", 10, None),
 ("he-06", "Veiledning av lærlinger, studenter og nyansatte", "Veiledningspedagogikk for helsepersonell som veileder lærlinger, studenter og nyansatte.", "hvl", "6", 15, "studiepoeng", "samlingsbasert", "Sunnfjord", "nn", "2026-08-25", None, None),
 ("he-07", "Legemiddelhåndtering for helsefagarbeidere", "Kurs i forsvarlig legemiddelhåndtering: regelverk, dosering, utdeling og dokumentasjon.", "kvs", None, 12, "hours", "online", None, "nb", "2026-09-21", 8, 2200),
 ("he-08", "Bachelor i sykepleie – desentralisert", "Fullt bachelorstudium i sykepleie over fire år på deltid med samlinger og praksis i egen region.", "inn", "6", 180, "studiepoeng", "desentralisert", "Kongsvinger", "nb", "2026-08-17", None, None),
 ("he-09", "Arbeidsrettet norsk for helsesektoren", "Norskopplæring for ansatte med annet morsmål i helse- og omsorgstjenestene: fagbegreper, rapportering og pasientkommunikasjon.", "kvs", None, 60, "hours", "hybrid", "Kongsvinger", "nb", "2026-09-07", 8, None),
 ("he-10", "Kreftomsorg og lindrende pleie", "Fagskoleutdanning for helsefagarbeidere om kreftsykdommer, behandling, lindrende pleie og kommunikasjon.", "fv", "5.1", 30, "fagskolepoeng", "online", None, "nn", "2027-01-11", 12, None),
 ("he-11", "Rehabilitering i kommunehelsetjenesten", "Hverdagsrehabilitering, tverrfaglig samarbeid og brukermedvirkning i kommunale helse- og omsorgstjenester.", "nord", "6", 15, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 # --- construction
 ("by-01", "Byggeledelse", "Fagskoleutdanning i ledelse av byggeprosjekter: framdrift, økonomi, kontrakter (NS 8405/8407), HMS og kvalitet på byggeplassen.", "fvk", "5.1", 30, "fagskolepoeng", "online,samlingsbasert", "Kongsberg", "nb", "2026-08-17", 15, None),
 ("by-02", "Prosjektledelse i bygg og anlegg", "Prosjektplanlegging, kostnadsstyring, risiko og samhandling i bygg- og anleggsprosjekter.", "ntnu", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("by-03", "BIM for håndverkere", "Bruk av bygningsinformasjonsmodeller på byggeplassen: lese modeller, mengder, avvik og samhandling i BIM-verktøy.", "hall", None, 16, "hours", "hybrid", "Gol", "nb", "2026-10-13", 8, 4900),
 ("by-04", "HMS og sikkerhet på byggeplassen", "Grunnkurs i HMS for bygg og anlegg: risikovurdering, SJA, fallsikring, stillas og verneutstyr.", "hall", None, 8, "hours", "campus", "Gol", "nb", "2026-09-28", 8, 1900),
 ("by-05", "Energieffektive bygg og passivhus", "Bygningsfysikk, tetthet, ventilasjon og energiløsninger i nye og rehabiliterte bygg. Energiberegning og dokumentasjon.", "fvk", "5.1", 15, "fagskolepoeng", "online", None, "nb", "2027-01-11", 12, None),
 ("by-06", "Tømrerfaget for praksiskandidater", "Teori mot fagprøve som tømrer: konstruksjoner, tegninger, materialer, HMS og byggforskrifter.", "vgs_al", "4", None, None, "desentralisert", "Ål", "nn", "2026-08-24", 8, None),
 ("by-07", "Anleggsledelse og grunnarbeid", "Ledelse av anleggsprosjekter: masseberegning, maskinbruk, grøfter og VA, kontrakter og HMS.", "fn", "5.1", 30, "fagskolepoeng", "samlingsbasert", "Bodø", "nb", "2026-08-24", 12, None),
 ("by-08", "Rehabilitering av eldre bygg", "Tilstandsvurdering, fukt og råte, tradisjonelle teknikker og energitiltak i eldre trehus.", "hvl", "6", 7.5, "studiepoeng", "online", None, "nn", "2027-01-12", None, None),
 # --- aquaculture and fisheries
 ("hv-01", "Akvakulturteknikk og drift", "Fagskoleutdanning i drift av oppdrettsanlegg: teknologi, fôring, miljøovervåking, biosikkerhet og regelverk.", "fn", "5.1", 60, "fagskolepoeng", "samlingsbasert", "Bodø", "nb", "2026-08-17", 15, None),
 ("hv-02", "Fiskehelse og fiskevelferd", "Sykdommer hos laks, lus og behandlingsmetoder, velferdsindikatorer og forebyggende fiskehelsearbeid.", "uit", "6", 10, "studiepoeng", "online", None, "nb", "2026-08-26", None, None),
 ("hv-03", "Akvakulturfaget – Vg3 for voksne", "Opplæring mot fagbrev i akvakulturfaget for voksne med praksis fra oppdrett: drift, fiskevelferd, HMS og miljø.", "vgs_hi", "4", None, None, "desentralisert", "Hitra", "nb", "2026-08-24", 8, None),
 ("hv-04", "Kompetansebevis for fiskevelferd", "Lovpålagt kurs i fiskevelferd for personell som håndterer levende fisk i akvakultur.", "nhs", None, 21, "hours", "hybrid", "Lurøy", "nb", "2026-09-14", 8, 4800),
 ("hv-05", "Smoltproduksjon og RAS-teknologi", "Resirkuleringsanlegg (RAS): vannkvalitet, biofilter, smoltifisering og drift av settefiskanlegg.", "fr", "5.1", 20, "fagskolepoeng", "online", None, "nb", "2026-09-07", 12, None),
 ("hv-06", "Havbruksøkonomi og ledelse", "Økonomistyring, ledelse og bærekraftsrapportering i havbruksnæringen.", "nord", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-14", None, None),
 ("hv-07", "Båtførerkurs og sikkerhet for havbruk", "Sikker båtføring, manøvrering ved merder, navigasjon og sikkerhetsopplæring for ansatte i oppdrett.", "nhs", None, 30, "hours", "campus", "Herøy (Nordland)", "nb", "2026-10-05", 6, 6500),
 ("hv-08", "Fiskeskipper klasse B", "Utdanning for fiskeskipper: navigasjon, stabilitet, fiskeriregelverk og sikkerhet til sjøs.", "ft", "5.1", 60, "fagskolepoeng", "samlingsbasert", "Tromsø", "nb", "2026-08-17", 12, None),
 # --- digital skills
 ("dg-01", "Digital kompetanse for ansatte", "Grunnleggende digitale ferdigheter for arbeidslivet: e-post, filer, sky, videomøter og digitale skjema.", "fins", None, 15, "hours", "hybrid", "Senja", "nb", "2026-09-15", 8, 1500),
 ("dg-02", "Regneark og Excel i økonomiarbeid", "Praktisk Excel: formler, tabeller, pivottabeller, diagrammer og rapporter for økonomi- og kontoransatte.", "kvs", None, 18, "hours", "online", None, "nb", "2026-10-01", 8, 2900),
 ("dg-03", "Informasjonssikkerhet for små virksomheter", "Grunnleggende informasjonssikkerhet: passord, phishing, sikkerhetskopi, personvern (GDPR) og rutiner for små virksomheter.", "usn", "6", 5, "studiepoeng", "online", None, "nb", "2026-09-01", None, None),
 ("dg-04", "Digital markedsføring og sosiale medier", "Markedsføring i sosiale medier, nettsider, søkemotoroptimalisering og analyse for små bedrifter.", "inn", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("dg-05", "Programmering i Python", "Innføring i programmering med Python: variabler, løkker, funksjoner, filer og enkel dataanalyse.", "usn", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("dg-06", "Microsoft 365 og digital samhandling", "Teams, SharePoint og OneDrive for samarbeid, dokumentdeling og møter i små og mellomstore virksomheter.", "fins", None, 12, "hours", "online", None, "nb", "2026-10-19", 8, 1800),
 ("dg-07", "Digitalisering og tjenesteinnovasjon i kommunen", "Digital transformasjon i offentlig sektor: tjenestedesign, gevinstrealisering og innbyggerdialog.", "molde", "6", 15, "studiepoeng", "online", None, "nb", "2026-08-24", None, None),
 ("dg-08", "Dataanalyse og visualisering med Power BI", "Datamodellering, rapporter og dashbord i Power BI for økonomi, drift og ledelse.", "fv", "5.1", 10, "fagskolepoeng", "online", None, "nn", "2026-09-01", 10, None),
 ("dg-09", "Kunstig intelligens i arbeidslivet", "Hva KI kan og ikke kan: språkmodeller, automatisering, etikk og personvern. Praktisk bruk i egen jobb.", "uia", "6", 5, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 # --- leadership and economics
 ("le-01", "Ledelse i praksis", "Fagskoleutdanning for ledere og mellomledere: personalledelse, kommunikasjon, arbeidsrett, økonomi og endring.", "fi", "5.1", 30, "fagskolepoeng", "online,samlingsbasert", "Lillehammer", "nb", "2026-08-17", 15, None),
 ("le-02", "Personalledelse", "Medarbeidersamtaler, motivasjon, konflikthåndtering, sykefraværsoppfølging og arbeidsmiljøloven.", "nord", "6", 15, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("le-03", "Endringsledelse i kommunal sektor", "Ledelse av omstilling i kommuner: medvirkning, organisasjonskultur og gjennomføring av endringer.", "inn", "6", 15, "studiepoeng", "samlingsbasert", "Lillehammer", "nb", "2026-08-20", None, None),
 ("le-04", "Førstelinjeleder i industrien", "For arbeidsledere og skiftledere: lederrollen, HMS-ansvar, kommunikasjon og forbedringsarbeid.", "fvk", "5.1", 15, "fagskolepoeng", "online", None, "nb", "2026-09-07", 12, None),
 ("le-05", "Master i offentlig ledelse – erfaringsbasert", "Erfaringsbasert master for ledere i offentlig sektor: styring, ledelse, økonomi og innovasjon.", "nord", "7", 90, "studiepoeng", "samlingsbasert", "Bodø", "nb", "2026-08-20", None, None),
 ("le-06", "Lederutvikling for små bedrifter", "Kort lederprogram for daglige ledere i små bedrifter: strategi, personalansvar og egen lederrolle.", "ntsc", None, 24, "hours", "samlingsbasert", "Nordreisa", "nb", "2026-10-26", 8, 6500),
 ("le-07", "Project management", "Project planning, stakeholder management, risk and agile methods. Online course taught in English.", "uia", "6", 7.5, "ects", "online", None, "en", "2026-08-24", None, None),
 ("øk-01", "Regnskap og skatt for småbedrifter", "Bokføring, merverdiavgift, årsoppgjør og skatteregler for enkeltpersonforetak og små aksjeselskap.", "aof", None, 20, "hours", "online", None, "nb", "2026-09-08", 8, 3400),
 ("øk-02", "Økonomistyring", "Budsjettering, kalkyler, regnskapsanalyse og økonomisk styring i private og offentlige virksomheter.", "molde", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-24", None, None),
 ("øk-03", "Innkjøp og offentlige anskaffelser", "Regelverk for offentlige anskaffelser, konkurransegrunnlag, kontraktsoppfølging og bærekraft i innkjøp.", "molde", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-12", None, None),
 # --- agriculture
 ("la-01", "Agronomi – Vg3 landbruk for voksne", "Opplæring mot fagbrev i landbruk for voksne: plantekultur, husdyrhold, maskiner og driftsplanlegging.", "vgs_tr", "4", None, None, "desentralisert", "Trysil", "nb", "2026-08-24", 10, None),
 ("la-02", "Økologisk landbruk", "Økologiske prinsipper, jordhelse, vekstskifte, husdyrvelferd og regelverk for økologisk produksjon.", "inn", "6", 10, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("la-03", "Gardsdrift, maskiner og teknikk", "Kort kurs for bønder: vedlikehold av traktor og redskap, HMS i landbruket og presisjonsjordbruk.", "hall", None, 24, "hours", "campus", "Hol", "nn", "2026-11-09", 8, 3900),
 ("la-04", "Landbruksøkonomi og driftsplanlegging", "Driftsplan, investeringer, tilskudd og lønnsomhet på gårdsbruk.", "nord", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-14", None, None),
 ("la-05", "Reindrift – drift og økonomi", "Reindriftens økonomi, beitebruk, dyrevelferd og regelverk. Undervisning på samisk og norsk.", "uit", "6", 10, "studiepoeng", "samlingsbasert", "Kautokeino", "se", "2026-08-26", None, None),
 # --- electrical and energy
 ("el-01", "Elektrikerfaget for praksiskandidater", "Teori mot fagprøve som elektriker: installasjoner, el-sikkerhet, forskrifter (NEK 400) og feilsøking.", "vgs_al", "4", None, None, "desentralisert", "Ål", "nn", "2026-08-24", 8, None),
 ("el-02", "Automatisering og industriell styring", "PLS-programmering, styresystemer, sensorer og nettverk i industrien. Fagskoleutdanning med labøvinger.", "fn", "5.2", 120, "fagskolepoeng", "campus", "Bodø", "nb", "2026-08-17", 15, None),
 ("el-03", "Solcelleanlegg og el-sikkerhet", "Planlegging, installasjon og sikkerhet for solcelleanlegg på bolig og næringsbygg.", "aof", None, 16, "hours", "hybrid", "Kongsberg", "nb", "2026-10-12", 8, 5200),
 ("el-04", "Energi og klima – fornybare energisystemer", "Vannkraft, vindkraft, solenergi og energilagring; energisystemet i omstilling.", "usn", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 # --- transport and machinery
 ("tr-01", "Truckførerkurs T1–T4", "Teori og praksis for truckførerbevis (T1–T4) etter godkjent opplæringsplan.", "aof", None, 28, "hours", "campus", "Elverum", "nb", "2026-09-14", 6, 6900),
 ("tr-02", "Anleggsmaskinførerkurs M1–M6", "Sikkerhetsopplæring for anleggsmaskiner: gravemaskin, hjullaster, dumper og doser.", "aof", None, 40, "hours", "campus", "Nordreisa", "nb", "2026-10-19", 6, 11500),
 ("tr-03", "Yrkessjåfør – etterutdanning (YSK)", "Periodisk etterutdanning for yrkessjåfører: sikkerhet, økonomisk kjøring, regelverk og førstehjelp.", "aof", None, 35, "hours", "campus", "Sør-Varanger", "nb", "2026-11-02", 6, 7500),
 ("tr-04", "Logistikk og transportplanlegging", "Lagerstyring, transportplanlegging, innkjøp og digital logistikk.", "molde", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-24", None, None),
 # --- education, kindergarten, culture
 ("ba-01", "Språkutvikling hos små barn", "Videreutdanning for barnehageansatte: barns språkutvikling, språkmiljø, flerspråklighet og kartlegging.", "hvl", "6", 15, "studiepoeng", "online,samlingsbasert", "Bergen", "nn", "2026-08-25", None, None),
 ("ba-02", "Barnehagelærer – arbeidsplassbasert (ABLU)", "Arbeidsplassbasert bachelorutdanning for assistenter og fagarbeidere i barnehage, fire år på deltid.", "nord", "6", 180, "studiepoeng", "samlingsbasert", "Levanger", "nb", "2026-08-17", None, None),
 ("ba-03", "Barne- og ungdomsarbeiderfaget for voksne", "Opplæring mot fagbrev som barne- og ungdomsarbeider: utvikling, lek, kommunikasjon og yrkesetikk.", "vgs_nt", "4", None, None, "desentralisert", "Nordreisa", "nb", "2026-08-24", 8, None),
 ("ba-04", "Spesialpedagogikk", "Tilpasset opplæring, lærevansker, atferd og samarbeid med PPT og foresatte.", "uia", "6", 30, "studiepoeng", "online", None, "nb", "2026-08-24", None, None),
 ("ku-01", "Samisk språk for ansatte i helse og omsorg", "Nordsamisk for nybegynnere med vekt på samtaler med pasienter og pårørende.", "uit", "6", 10, "studiepoeng", "online", None, "se", "2026-08-26", None, None),
 ("ku-02", "Norsk for arbeidslivet", "Norskkurs for ansatte med annet morsmål: muntlig kommunikasjon, HMS-språk og skriving på jobb.", "ntsc", None, 40, "hours", "hybrid", "Nordreisa", "nb", "2026-09-07", 8, None),
 ("ku-03", "Kulturminner og formidling", "Kulturarv, formidling og opplevelsesbasert næringsutvikling knyttet til kulturminner.", "usn", "6", 15, "studiepoeng", "samlingsbasert", "Midt-Telemark", "nb", "2026-08-20", None, None),
 # --- sales, service, retail
 ("sa-01", "Salg og kundebehandling", "Kundemøtet, behovsanalyse, salgsteknikk og relasjonsbygging for selgere og kundebehandlere.", "kar", None, 16, "hours", "online", None, "nb", "2026-09-21", 8, 2400),
 ("sa-02", "Service og kundeopplevelse i varehandel", "Service, merchandising, e-handel og kundeopplevelser i butikk.", "fvk", "5.1", 15, "fagskolepoeng", "online", None, "nb", "2026-09-07", 10, None),
 ("sa-03", "Netthandel for små butikker", "Oppsett av nettbutikk, betaling, frakt, produktfoto og markedsføring for små butikker.", "fins", None, 12, "hours", "online", None, "nb", "2026-10-05", 8, 1900),
 # --- climate and environment
 ("mi-01", "Sirkulær økonomi", "Ressursbruk, ombruk, materialgjenvinning og sirkulære forretningsmodeller.", "inn", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-13", None, None),
 ("mi-02", "Klimaregnskap og bærekraftsrapportering", "Klimaregnskap etter GHG-protokollen og bærekraftsrapportering for små og mellomstore bedrifter.", "kvs", None, 10, "hours", "online", None, "nb", "2026-11-03", 8, 3500),
 ("mi-03", "Miljøsertifisering – Miljøfyrtårn i praksis", "Kort kurs i miljøledelse og Miljøfyrtårn-sertifisering for små virksomheter.", "ofs", None, 8, "hours", "online", None, "nb", "2026-09-29", 8, 1200),
 # --- public administration
 ("of-01", "Forvaltningsrett for saksbehandlere", "Forvaltningsloven, offentlighetsloven, vedtak og klage for saksbehandlere i kommunen.", "nord", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("of-02", "Arealplanlegging i kommunen", "Plan- og bygningsloven, kommuneplan, reguleringsplan og medvirkning.", "hvl", "6", 15, "studiepoeng", "online", None, "nn", "2026-08-25", None, None),
 ("of-03", "Kommunal økonomi og budsjett", "Kommunens økonomiforvaltning, budsjettprosess og økonomiplan.", "molde", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-12", None, None),
 # --- mechanical and vehicles, cooling
 ("me-01", "Maskinteknikk – fagskole", "Fagskoleutdanning i maskinteknikk: konstruksjon, materialer, vedlikeholdsstyring og produksjon.", "fr", "5.2", 120, "fagskolepoeng", "campus", "Stavanger", "nb", "2026-08-17", 15, None),
 ("me-02", "Hydraulikk i mobile maskiner", "Hydrauliske systemer i anleggsmaskiner og landbruksmaskiner: komponenter, feilsøking og vedlikehold.", "ft", "5.1", 10, "fagskolepoeng", "samlingsbasert", "Tromsø", "nb", "2026-10-05", 10, None),
 ("me-03", "Kjøletekniker – Vg3 for voksne", "Opplæring mot fagbrev som kjøle- og varmepumpetekniker for voksne.", "vgs_kv", "4", None, None, "campus", "Kongsvinger", "nb", "2026-08-24", 8, None),
]

# more variants: same subjects offered in other regions (keeps the catalog realistic and > 150)
V = [
 ("sv-06", "Sveisekurs for landbruk og anlegg", "Praktisk sveising for reparasjon av maskiner og redskap i landbruk og anlegg (MMA og MAG).", "la-vgs", None, 20, "hours", "campus", "Tolga", "nb", "2026-11-16", 6, 5800),
 ("tre-06", "Tømmerkunnskap og skogsdrift", "Skogbruk, tømmerkvalitet, driftsteknikk og bærekraftig skogforvaltning.", "inn", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("tre-07", "Produksjonsteknikk i industrien", "Fagskoleutdanning i produksjonsteknikk: produksjonsplanlegging, kvalitetsledelse og automasjon.", "fi", "5.1", 60, "fagskolepoeng", "online,samlingsbasert", "Kongsvinger", "nb", "2026-08-17", 15, None),
 ("rl-09", "Matopplevelser og lokalmat i reiselivet", "Lokalmat, mattradisjoner og utvikling av måltidsopplevelser for reiselivet.", "hall", None, 12, "hours", "campus", "Hemsedal", "nb", "2026-10-27", 8, 2900),
 ("rl-10", "Sikkerhet og risikostyring for aktivitetsbedrifter", "Sikkerhetsstyring, risikovurdering og internkontroll for turopplevelser i naturen (forskrift om fornøyelsesinnretninger og aktivitetstilbud).", "ft", "5.1", 10, "fagskolepoeng", "online", None, "nb", "2026-09-07", 10, None),
 ("bd-05", "Førstehjelp og beredskap på arbeidsplassen", "Førstehjelp, hjerte-lunge-redning, brannvern og beredskapsrutiner for ansatte.", "ofs", None, 8, "hours", "campus", "Vadsø", "nb", "2026-09-22", 8, 1500),
 ("he-12", "Eldreomsorg – fagskole", "Fagskoleutdanning i eldreomsorg: aldring, sykdom, ernæring, aktivitet og helsefremmende arbeid.", "fn", "5.1", 60, "fagskolepoeng", "online,samlingsbasert", "Rana", "nb", "2026-08-17", 15, None),
 ("he-13", "Psykisk helse hos eldre", "Depresjon, angst og delirium hos eldre; tiltak og samhandling i kommunehelsetjenesten.", "inn", "6", 10, "studiepoeng", "online", None, "nb", "2027-01-13", None, None),
 ("he-14", "Demens og alderspsykiatri", "Videreutdanning for sykepleiere og vernepleiere om demens og alderspsykiatri.", "hvl", "6", 15, "studiepoeng", "online,samlingsbasert", "Sunnfjord", "nn", "2026-08-25", None, None),
 ("by-09", "Betong og forskaling", "Kort fagkurs for tømrere og betongarbeidere: forskaling, armering, støping og herding.", "aof", None, 16, "hours", "campus", "Hol", "nb", "2026-10-26", 6, 5400),
 ("by-10", "Ventilasjon og inneklima", "Fagskolemodul om ventilasjonsanlegg, inneklima og energibruk i bygg.", "fvk", "5.1", 10, "fagskolepoeng", "online", None, "nb", "2026-09-07", 10, None),
 ("hv-09", "Havbruksteknologi og miljø", "Teknologi og miljøpåvirkning i havbruk: rømmingssikring, utslipp og lukkede anlegg.", "ntnu", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 ("hv-10", "Fiskevelferd og håndtering – kurs for oppdrettere", "Kort kurs om fiskevelferd ved avlusning, trenging og transport av fisk.", "fins", None, 14, "hours", "hybrid", "Senja", "nb", "2026-11-10", 8, 3900),
 ("dg-10", "Digital kompetanse i helse og omsorg", "Digitale verktøy i pleie og omsorg: journal, meldingsutveksling, velferdsteknologi og personvern.", "kvs", None, 20, "hours", "hybrid", "Kongsvinger", "nb", "2026-09-14", 8, 2600),
 ("dg-11", "Excel for viderekomne", "Avanserte formler, pivottabeller, makroer og datakilder i Excel.", "aof", None, 12, "hours", "online", None, "nb", "2026-11-02", 8, 2600),
 ("dg-12", "Cybersikkerhet – grunnkurs", "Trusselbildet, sikkerhetstiltak, hendelseshåndtering og sikkerhetskultur i virksomheten.", "ntnu", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("le-08", "Coaching og veiledning for ledere", "Coachende lederskap, veiledningssamtaler og utviklingsarbeid med medarbeidere.", "usn", "6", 15, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 ("le-09", "HMS-ledelse og internkontroll", "Systematisk HMS-arbeid, internkontrollforskriften og risikovurdering for ledere og verneombud.", "fi", "5.1", 10, "fagskolepoeng", "online", None, "nb", "2026-09-01", 10, None),
 ("le-10", "Arbeidsmiljø og verneombud – grunnopplæring", "Lovpålagt 40-timers grunnopplæring for verneombud og AMU-medlemmer.", "ntsc", None, 40, "hours", "hybrid", "Nordreisa", "nb", "2026-09-28", 8, 4900),
 ("la-06", "Birøkt – grunnkurs", "Grunnkurs i birøkt: biologi, stell, honninghøsting og sykdommer.", "hall", None, 15, "hours", "campus", "Nes (Buskerud)", "nb", "2027-04-12", 8, 2200),
 ("el-05", "Elsikkerhet (FSE) – årlig kurs", "Årlig opplæring i forskrift om sikkerhet ved arbeid i og drift av elektriske anlegg (FSE), inkludert førstehjelp.", "aof", None, 8, "hours", "online", None, "nb", "2026-09-08", 8, 2200),
 ("tr-05", "Kranførerkurs G4 og G8", "Sikkerhetsopplæring for lastebilkran og traverskran.", "aof", None, 30, "hours", "campus", "Gjøvik", "nb", "2026-10-12", 6, 8900),
 ("ba-05", "Barnehagepedagogikk for assistenter", "Kort kurs for barnehageassistenter: lek, omsorg, språk og samarbeid med foreldre.", "fins", None, 20, "hours", "online", None, "nb", "2026-09-28", 8, None),
 ("ba-06", "Begynneropplæring i lesing og skriving", "Videreutdanning for lærere på 1.–4. trinn.", "uit", "6", 15, "studiepoeng", "online", None, "nb", "2026-08-26", None, None),
 ("sa-04", "Salgsledelse", "Ledelse av salgsteam, salgsprosesser, CRM og kundeanalyse.", "fvk", "5.1", 15, "fagskolepoeng", "online", None, "nb", "2027-01-11", 10, None),
 ("mi-04", "Naturforvaltning og friluftsliv", "Forvaltning av natur og friluftsområder, allemannsretten og konflikter mellom bruk og vern.", "inn", "6", 15, "studiepoeng", "samlingsbasert", "Evenes", "nb", "2026-08-20", None, None),
 ("of-04", "Offentlig innovasjon og tjenestedesign", "Innbyggerinvolvering, tjenestedesign og innovasjonsmetoder i kommunal sektor.", "usn", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 ("me-04", "Vedlikeholdsstyring", "Vedlikeholdsstrategier, tilstandsbasert vedlikehold og digitale vedlikeholdssystemer.", "ft", "5.1", 15, "fagskolepoeng", "online", None, "nb", "2026-09-07", 10, None),
 ("he-15", "Helsesekretær – kompetansebevis for voksne", "Opplæring mot fagbrev som helsesekretær: pasientmottak, journal, laboratoriearbeid og kommunikasjon.", "vgs_nt", "4", None, None, "desentralisert", "Nordreisa", "nb", "2026-08-24", 8, None),
 ("he-16", "Sykepleie i kommunehelsetjenesten – akutt og kritisk syke", "Videreutdanning i akutte og kritiske tilstander hos pasienter i kommunale helsetjenester.", "uit", "6", 15, "studiepoeng", "online,samlingsbasert", "Harstad", "nb", "2026-08-26", None, None),
 ("rl-11", "Guide og opplevelsesleder – fagbrev reiseliv", "Opplæring mot fagbrev i reiselivsfaget for voksne: vertskap, guiding, salg og sikkerhet.", "vgs_nt", "4", None, None, "desentralisert", "Nordreisa", "nb", "2026-08-24", 8, None),
 ("en-04", "Gründerkurs – start egen bedrift", "Kurs for deg som vil starte egen bedrift: forretningsplan, selskapsform, regnskap og markedsføring.", "kar", None, 15, "hours", "online", None, "nb", "2026-09-29", 8, None),
 ("en-05", "Innovation and entrepreneurship in the Arctic", "Entrepreneurship, business models and innovation in Arctic communities; course in English.", "uit", "7", 10, "ects", "online", None, "en", "2027-01-18", None, None),
 ("dg-13", "Digitale verktøy for lærere og instruktører", "Digitale læringsressurser, nettundervisning og vurdering med digitale verktøy.", "hvl", "6", 7.5, "studiepoeng", "online", None, "nn", "2026-08-25", None, None),
 ("bd-06", "Brannvern og brannforebygging", "Fagskolemodul i brannforebyggende arbeid: regelverk, tilsyn og risikovurdering.", "fn", "5.1", 10, "fagskolepoeng", "online", None, "nb", "2026-09-07", 10, None),
 ("tre-08", "Trebearbeiding – snekkerfaget for voksne", "Opplæring mot fagbrev i snekkerfaget: maskinell bearbeiding, overflatebehandling og produksjon.", "vgs_tr", "4", None, None, "desentralisert", "Trysil", "nb", "2026-08-24", 8, None),
 ("sv-07", "Sveising av aluminium for båtbygging", "Praktisk kurs i TIG- og MIG-sveising av aluminium til båt og havbruksutstyr.", "nhs", None, 30, "hours", "campus", "Herøy (Nordland)", "nb", "2026-10-19", 6, 9800),
 ("hv-11", "Fôring og ernæring i oppdrett", "Fôrtyper, fôringsstrategier, vekst og fiskehelse i lakseoppdrett.", "fn", "5.1", 10, "fagskolepoeng", "online", None, "nb", "2027-01-11", 10, None),
 ("øk-04", "Lønn og personaladministrasjon", "Lønnsberegning, a-melding, feriepenger, sykepenger og personalregister.", "aof", None, 18, "hours", "online", None, "nb", "2026-10-13", 8, 3200),
 ("ku-04", "Tolking i offentlig sektor – introduksjon", "Grunnleggende tolkeetikk og tolketeknikk for tospråklige som tolker i kommunale tjenester.", "usn", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 ("la-07", "Grønt reiseliv – gardsturisme", "Utvikling av gardsturisme, servering og overnatting på gården.", "inn", "6", 7.5, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("me-05", "Landbruksmaskinmekaniker for voksne", "Opplæring mot fagbrev som landbruksmaskinmekaniker: motorer, hydraulikk, elektronikk og service.", "vgs_tr", "4", None, None, "desentralisert", "Trysil", "nb", "2026-08-24", 8, None),
 ("by-11", "Universell utforming av bygg og uteområder", "Krav og løsninger for universell utforming i prosjektering og utførelse.", "ntnu", "6", 7.5, "studiepoeng", "online", None, "nb", "2027-01-11", None, None),
 ("le-11", "Styrearbeid i små bedrifter og lag", "Styrets rolle og ansvar, styremøter, økonomi og strategi.", "ntsc", None, 10, "hours", "online", None, "nb", "2026-11-17", 8, 1900),
 ("el-06", "Smarthus og KNX-installasjon", "Styring av lys, varme og sikkerhet i bygg med KNX; programmering og feilsøking.", "fvk", "5.1", 10, "fagskolepoeng", "samlingsbasert", "Kongsberg", "nb", "2026-10-05", 10, None),
 ("ba-07", "Veiledning i skole og barnehage", "Veiledning av nyutdannede og studenter i barnehage og skole.", "nord", "6", 15, "studiepoeng", "online", None, "nb", "2026-08-20", None, None),
 ("dg-14", "Nettbasert undervisning – kurs for instruktører i næringslivet", "Lag korte e-læringskurs for egne ansatte: opptak, verktøy og pedagogikk.", "hall", None, 10, "hours", "online", None, "nb", "2026-11-23", 8, 2400),
 ("mi-05", "Avfallshåndtering og gjenvinning i bygg", "Kildesortering, avfallsplaner, ombruk av byggematerialer og miljøkrav på byggeplass.", "hall", None, 8, "hours", "hybrid", "Gol", "nb", "2026-09-21", 8, 1900),
]
P["la-vgs"] = ("Nord-Østerdal videregående skole – voksenopplæring", "upper_secondary")

# Needs: (id, company, org, municipality, industry, participants, text, extra fields)
N = [
 # wood-based industry in Innlandet (a cluster: lean/automation)
 ("n01", "Engerdal Sag AS", "Engerdal", "16.100 Saging, høvling og impregnering av tre", 6, "Vi driver et lite sagbruk og vil automatisere sorteringslinja. Operatørene trenger opplæring i styringssystemer og sensorer, og vi vil jobbe mer systematisk med forbedring i produksjonen.", {}),
 ("n02", "Rendalen Trevare AS", "Rendalen", "16.230 Produksjon av monteringsferdige hus", 5, "Vi produserer hyttemoduler i tre og sliter med flaskehalser og sløsing i produksjonen. Ønsker kurs i lean og kontinuerlig forbedring som kan tas ved siden av jobben.", {"delivery": "online,samlingsbasert,hybrid"}),
 ("n03", "Stor-Elvdal Bruk AS", "Stor-Elvdal", "16.100 Saging, høvling og impregnering av tre", 4, "Skiftlederne våre trenger lederopplæring og kunnskap om produksjonsstyring og forbedringsarbeid i sagbruket.", {}),
 ("n04", "Tolga Tre AS", "Tolga", "16.290 Produksjon av andre trevarer", 3, "Trenger sertifisering av trelastsorterere – maskinell og visuell styrkesortering.", {"max_distance_km": 250}),
 ("n05", "Os Sag og Høvleri AS", "Os (Innlandet)", "16.100 Saging, høvling og impregnering av tre", 5, "Vi skal investere i robot for stabling og trenger kompetanse på automatisering og robotisering i trebearbeiding for mekanikerne våre.", {}),
 # tourism Nord-Troms (a cluster: guiding, hosting in English)
 ("n06", "Lyngen Adventure AS", "Lyngen", "79.900 Reisebyråvirksomhet og turoperatører", 6, "Guidene våre må bli tryggere på sikkerhet og risikovurdering på vinterturer med gjester, og bedre til å formidle natur og kultur. Mange gjester er utenlandske.", {}),
 ("n07", "Kåfjord Opplevelser", "Gáivuotna - Kåfjord - Kaivuono", "93.290 Fritidsvirksomhet ellers", 3, "Vi trenger nordlysguiding og sikkerhet for vinterturer i mørketida. Kort kurs, gjerne lokalt.", {}),
 ("n08", "Skjervøy Kystferie", "Skjervøy", "55.209 Annen overnatting", 4, "Ansatte i resepsjon og restaurant trenger bedre engelsk og vertskap for internasjonale gjester.", {"delivery": "online,hybrid"}),
 ("n09", "Kvænangen Fjellstue", "Kvænangen", "55.101 Drift av hoteller", 3, "Vi ønsker å utvikle nye opplevelsesprodukter for vinteren og lære å pakke og selge dem til turoperatører.", {}),
 ("n10", "Storfjord Villmarksleir", "Storfjord", "79.900 Reisebyråvirksomhet og turoperatører", 2, "Guidene våre trenger formell kompetanse i arktisk naturguiding med risikovurdering og førstehjelp i kulde.", {"level_max": "6"}),
 ("n11", "Nordreisa Elvebåt", "Nordreisa", "50.300 Passasjertransport på elver og innsjøer", 3, "We need safety and risk management training for our river boat guides, and English for guiding foreign guests.", {"language": "en,nb"}),
 # emergency preparedness and entrepreneurship in Sør-Varanger (cluster)
 ("n12", "Sør-Varanger kommune", "Sør-Varanger", "84.110 Generell offentlig administrasjon", 12, "Kriseledelsen i kommunen må øve på krisehåndtering og krisekommunikasjon, og vi må oppdatere ROS-analysen og beredskapsplanene.", {}),
 ("n13", "Kirkenes Næringshage", "Sør-Varanger", "70.220 Bedriftsrådgivning", 8, "Gründerne i næringshagen trenger kurs i forretningsutvikling, budsjett og markedsføring for små bedrifter.", {}),
 ("n14", "Nesseby kommune", "Nesseby", "84.110 Generell offentlig administrasjon", 5, "Beredskapsansvarlige trenger videreutdanning i samfunnssikkerhet og beredskap, helst nettbasert med studiepoeng.", {}),
 ("n15", "Vardø kommune", "Vardø", "84.110 Generell offentlig administrasjon", 6, "Vi må styrke beredskapen: risiko- og sårbarhetsanalyse, beredskapsplan og øvelser for kriseledelsen.", {}),
 ("n16", "Båtsfjord Fisk AS", "Båtsfjord", "10.201 Produksjon av fiskefileter", 4, "Vi trenger opplæring i førstehjelp, brannvern og beredskap på arbeidsplassen for alle ansatte.", {}),
 # health workers in Kongsvinger region (cluster: dementia, elderly care)
 ("n17", "Kongsvinger kommune – hjemmetjenesten", "Kongsvinger", "88.101 Hjemmetjenester for eldre og funksjonshemmede", 10, "Helsefagarbeiderne i hjemmetjenesten trenger mer kompetanse om demens og personsentrert omsorg. De jobber turnus, så undervisningen må kunne kombineres med jobb.", {}),
 ("n18", "Eidskog kommune", "Eidskog", "87.101 Institusjoner i kommunal pleie- og omsorgstjeneste", 8, "Flere assistenter på sykehjemmet vil ta fagbrev som helsefagarbeider mens de er i jobb.", {}),
 ("n19", "Grue kommune", "Grue", "87.101 Institusjoner i kommunal pleie- og omsorgstjeneste", 6, "Sykepleierne trenger videreutdanning i palliasjon og smertelindring.", {"level_min": "6"}),
 ("n20", "Nord-Odal kommune", "Nord-Odal", "88.101 Hjemmetjenester for eldre og funksjonshemmede", 5, "Vi skal ta i bruk digitalt tilsyn og medisindispensere og trenger kompetanse i velferdsteknologi for de ansatte.", {}),
 ("n21", "Åsnes kommune", "Åsnes", "87.101 Institusjoner i kommunal pleie- og omsorgstjeneste", 7, "Ansatte med annet morsmål trenger bedre norsk for å rapportere og snakke med pasienter.", {}),
 ("n22", "Våler kommune", "Våler (Innlandet)", "87.101 Institusjoner i kommunal pleie- og omsorgstjeneste", 4, "Helsefagarbeidere trenger kurs i legemiddelhåndtering.", {"max_credits": 5}),
 # construction network in Hallingdal (cluster: BIM, building management)
 ("n23", "Hemsedal Bygg AS", "Hemsedal", "41.200 Oppføring av bygninger", 5, "Byggeledarane våre treng opplæring i framdrift, kontraktar og HMS på byggeplassen.", {}),
 ("n24", "Ål Tømrarlag", "Ål", "43.320 Snekkerarbeid", 6, "Handverkarane må lære å bruke BIM-modellar ute på byggeplassen.", {}),
 ("n25", "Nesbyen Bygg og Anlegg AS", "Nesbyen", "43.120 Grunnarbeid", 4, "Vi trenger anleggsledelse og kunnskap om grøfter og VA, og masseberegning.", {}),
 ("n26", "Hol Tre og Bygg AS", "Hol", "41.200 Oppføring av bygninger", 3, "To lærlinger og tre ufaglærte skal ta fagbrev som tømrer. Det er videregående nivå vi trenger.", {}),
 ("n27", "Flå Hyttebygg", "Flå", "41.200 Oppføring av bygninger", 4, "Vi ønsker kompetanse på energieffektive hytter og passivhus, tetthet og ventilasjon.", {"delivery": "online"}),
 ("n28", "Gol Elektro AS", "Gol", "43.210 Elektrisk installasjonsarbeid", 3, "Tre montører uten fagbrev skal ta fagbrev som elektriker mens de er i jobb.", {}),
 # aquaculture (cluster: fish welfare)
 ("n29", "Frøya Laks AS", "Frøya", "03.211 Produksjon av matfisk og skalldyr i hav- og kystbasert akvakultur", 8, "Alle som håndterer fisk må ha kompetansebevis for fiskevelferd, og vi vil at driftsoperatørene skal bli flinkere på fiskehelse og avlusning.", {}),
 ("n30", "Hitra Havbruk AS", "Hitra", "03.211 Produksjon av matfisk og skalldyr i hav- og kystbasert akvakultur", 5, "Flere røktere skal ta fagbrev i akvakulturfaget.", {}),
 ("n31", "Lurøy Oppdrett AS", "Lurøy", "03.211 Produksjon av matfisk og skalldyr i hav- og kystbasert akvakultur", 6, "Vi trenger kurs i fiskevelferd og sikker båtføring ved merdene.", {"max_distance_km": 120}),
 ("n32", "Træna Sjømat AS", "Træna", "03.211 Produksjon av matfisk og skalldyr i hav- og kystbasert akvakultur", 3, "Ansatte må få lovpålagt opplæring i fiskevelferd. Vi har ikke noe studiested i nærheten.", {}),
 ("n33", "Nærøysund Settefisk AS", "Nærøysund", "03.221 Produksjon av yngel og settefisk i ferskvann", 4, "Driftsteknikerne trenger kompetanse på RAS-anlegg, vannkvalitet og smoltproduksjon.", {}),
 ("n34", "Herøy Havbruk AS", "Herøy (Nordland)", "03.211 Produksjon av matfisk og skalldyr i hav- og kystbasert akvakultur", 4, "Vi trenger sveisere som kan sveise aluminium til flåter og båter.", {}),
 # digital skills and office work
 ("n35", "Senja Regnskap AS", "Senja", "69.201 Regnskap og bokføring", 4, "De ansatte må bli flinkere i Excel – pivottabeller, formler og rapporter.", {"delivery": "online"}),
 ("n36", "Vågå kommune", "Vågå", "84.110 Generell offentlig administrasjon", 8, "Folka på servicetorget må bli flinkere til å bruke Teams og digitale verktøy til samarbeid og dokumentdeling.", {}),
 ("n37", "Lebesby Fiskemottak AS", "Lebesby", "46.381 Engroshandel med fisk og skalldyr", 3, "Vi har fått et dataangrep og trenger grunnleggende opplæring i informasjonssikkerhet og personvern.", {}),
 ("n38", "Tynset Sport", "Tynset", "47.641 Butikkhandel med sportsutstyr", 2, "Vi vil starte nettbutikk og trenger kurs i netthandel og markedsføring i sosiale medier.", {}),
 ("n39", "Loppa kommune", "Loppa", "84.110 Generell offentlig administrasjon", 6, "Saksbehandlerne trenger opplæring i forvaltningsrett og saksbehandling, og gjerne i digitalisering av tjenestene.", {}),
 ("n40", "Dønna kommune", "Dønna", "84.110 Generell offentlig administrasjon", 5, "Vi vil ta i bruk kunstig intelligens i saksbehandlingen og trenger kompetanse om muligheter, etikk og personvern.", {}),
 # leadership
 ("n41", "Karasjok Transport AS", "Karasjok", "49.410 Godstransport på vei", 3, "Daglig leder og arbeidsleder trenger lederopplæring – personalansvar, konflikthåndtering og oppfølging av sykefravær.", {}),
 ("n42", "Beiarn kommune", "Beiarn", "84.110 Generell offentlig administrasjon", 6, "Mellomlederne i kommunen skal lede en stor omstilling og trenger endringsledelse.", {"max_credits": 15}),
 ("n43", "Sunndal Metall AS", "Sunndal", "24.420 Produksjon av aluminium", 8, "Skiftlederne trenger opplæring som førstelinjeledere: HMS-ansvar, kommunikasjon og forbedringsarbeid.", {}),
 ("n44", "Årdal Industri AS", "Årdal", "25.110 Produksjon av metallkonstruksjoner", 6, "Vi treng sveisarar med sertifikat etter ISO 9606 og fleire som kan MIG/MAG-sveising.", {}),
 ("n45", "Høyanger Mek AS", "Høyanger", "33.120 Reparasjon av maskiner", 3, "Mekanikarane treng kompetanse på hydraulikk i mobile maskiner.", {}),
 # agriculture
 ("n46", "Gloppen Bondelag", "Gloppen", "01.410 Melkeproduksjon på storfe", 12, "Fleire unge bønder har teke over gardsbruk utan formell landbruksutdanning. Dei treng opplæring i drift, maskinar og økonomi, og mange vil ta fagbrev.", {}),
 ("n47", "Tolga Økogard", "Tolga", "01.500 Kombinert husdyrhold og planteproduksjon", 2, "Vi vil legge om til økologisk drift og trenger kunnskap om økologisk landbruk.", {}),
 ("n48", "Kautokeino reinbeitedistrikt", "Kautokeino", "01.491 Reindrift", 6, "Unge reineiere trenger kunnskap om økonomi og drift i reindrifta, helst på samisk.", {"language": "se,nb"}),
 # unmet cluster 1: drones for inspection (no offer)
 ("n49", "Lyngen Kraftlag", "Lyngen", "35.130 Distribusjon av elektrisitet", 4, "Vi vil bruke droner til inspeksjon av kraftlinjer og trenger droneflygere med sertifikat og kunnskap om termografi.", {}),
 ("n50", "Storfjord Entreprenør AS", "Storfjord", "43.120 Grunnarbeid", 3, "Vi trenger kurs i droneoperasjon for oppmåling og inspeksjon av anleggsplasser.", {}),
 ("n51", "Senja Kraft", "Senja", "35.130 Distribusjon av elektrisitet", 5, "Montørene skal fly drone ved linjeinspeksjon og trenger dronesertifikat (A2/STS) og opplæring i bildeanalyse.", {}),
 ("n52", "Nordreisa kommune – teknisk", "Nordreisa", "84.130 Offentlig administrasjon tilknyttet næringsvirksomhet og arbeidsmarked", 3, "Teknisk etat vil bruke droner til kartlegging av flom og skred. Vi trenger opplæring i droneflyging og regelverk.", {}),
 ("n53", "Hasvik Nett AS", "Hasvik", "35.130 Distribusjon av elektrisitet", 2, "Inspeksjon av nettet med drone – vi trenger opplæring i drone og sertifikat.", {}),
 # unmet cluster 2: heat pumps and cooling for existing technicians (only a full vgs offer far away)
 ("n54", "Alvdal Varme AS", "Alvdal", "43.221 Rørleggerarbeid", 3, "Rørleggerne må lære installasjon og service av varmepumper og kjøleanlegg, F-gass-sertifisering. Kort kurs på kveldstid.", {"max_credits": 5}),
 ("n55", "Trysil Kulde og Energi", "Trysil", "43.221 Rørleggerarbeid", 2, "Vi trenger kortkurs i varmepumper og kuldemedier (F-gass) for montørene.", {"max_credits": 5}),
 ("n56", "Folldal Elektro og Rør", "Folldal", "43.210 Elektrisk installasjonsarbeid", 2, "Elektrikere og rørleggere trenger opplæring i varmepumper og kuldeteknikk for hytter.", {"max_credits": 5, "max_distance_km": 150}),
 ("n57", "Rendalen Energi", "Rendalen", "35.300 Damp- og varmtvannsforsyning", 2, "Vi har behov for F-gass-kurs og kompetanse på service av varmepumper.", {"max_credits": 5}),
 # unmet cluster 3: sea rescue/RIB and maritime safety for small coastal tourism
 ("n58", "Skjervøy Havfiske og Opplevelser", "Skjervøy", "50.100 Passasjertransport i innenriks sjøfart", 3, "Vi skal kjøre RIB-turer med turister og trenger båtførerbevis for passasjerbåt og sjøredning.", {}),
 ("n59", "Træna Kystopplevelser", "Træna", "50.100 Passasjertransport i innenriks sjøfart", 2, "Trenger opplæring i sikker føring av RIB med passasjerer, sjøredning og førstehjelp til sjøs.", {"max_distance_km": 100}),
 ("n60", "Loppa Havopplevelser", "Loppa", "50.100 Passasjertransport i innenriks sjøfart", 2, "RIB-sjåførene våre må ha kurs i sikkerhet og redning til sjøs for passasjertransport.", {"max_distance_km": 100}),
 # a few more, some nynorsk and English
 ("n61", "Vinje kommune", "Vinje", "84.110 Generell offentlig administrasjon", 4, "Barnehagetilsette treng vidareutdanning om språkutvikling hjå småborn.", {}),
 ("n62", "Bykle Hotell", "Bykle", "55.101 Drift av hoteller", 4, "Kjøkkenet vil utvikle måltidsopplevingar med lokalmat for turistar.", {}),
 ("n63", "Tana Arctic Salmon", "Tana", "03.211 Produksjon av matfisk og skalldyr i hav- og kystbasert akvakultur", 3, "Our staff need training in fish welfare and fish health; teaching in English is fine.", {"language": "en,nb"}),
]

def offer_record(t):
    (oid, title, desc, prov, level, credits, unit, delivery, loc, lang, start, minp, price) = t
    name, ptype = P[prov]
    rec = {"id": oid, "title": title, "description": desc, "provider": name, "provider_type": ptype,
           "level": level, "credits": credits, "credit_unit": unit, "delivery": delivery.split(","),
           "locations": [loc] if loc else [], "language": lang, "start_date": start, "url": None,
           "price_nok": price, "min_participants": minp}
    return {k: v for k, v in rec.items() if v is not None}

# The occupation (STYRK-08) where the broker wrote it down; the other needs get the tagger's suggestions.
STYRK = {"n06": "5113", "n10": "5113", "n17": "5321", "n18": "5321", "n19": "2223", "n22": "5321", "n26": "7115",
         "n28": "7411", "n30": "6221", "n31": "6221", "n34": "7212", "n44": "7212", "n45": "7233", "n51": "7413",
         "n54": "7126", "n55": "7127", "n56": "7127", "n57": "7127"}


def need_record(t):
    (nid, company, muni, industry, participants, text, extra) = t
    rec = {"id": nid, "text": text, "company": company, "municipality": muni, "industry": industry,
           "participants": participants, "reported_by": "Demo-megler", "reported_at": "2026-0%d-15" % (1 + int(nid[1:]) % 9),
           "organisation": "demo-studiesenter"}
    if nid in STYRK:
        rec["styrk"] = STYRK[nid]
    rec.update(extra)
    return rec

OUT.mkdir(parents=True, exist_ok=True)
with open(OUT / "offers.jsonl", "w", encoding="utf-8") as fh:
    for t in O + V:
        fh.write(json.dumps(offer_record(t), ensure_ascii=False) + "\n")
with open(OUT / "needs.jsonl", "w", encoding="utf-8") as fh:
    for t in N:
        fh.write(json.dumps(need_record(t), ensure_ascii=False) + "\n")
print(len(O) + len(V), "offers,", len(N), "needs")
