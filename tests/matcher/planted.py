"""Synthetic needs with planted clusters (themes written in varied words), for clustering tests."""
import random

THEMES = {
    "drone": ["Vi trenger opplæring i droneflyging for inspeksjon av {x}", "Montørene skal bruke drone til å kontrollere {x} og må ta dronesertifikat",
              "Kurs i droneoperasjon og regelverk for kartlegging av {x}", "Ansatte må lære å fly drone og analysere bilder av {x}"],
    "heatpump": ["Rørleggerne må lære service på varmepumper i {x}", "Vi trenger F-gass-sertifisering og kunnskap om kuldeanlegg for {x}",
                 "Kortkurs i installasjon av varmepumpe og kuldemedier til {x}", "Montørene trenger kompetanse på varmepumper og kjøleteknikk i {x}"],
    "dementia": ["Helsefagarbeiderne trenger mer kunnskap om demens hos beboere i {x}", "Kurs i demensomsorg og personsentrert omsorg for ansatte i {x}",
                 "Pleierne må lære å møte personer med demens og deres pårørende i {x}", "Vi ønsker videreutdanning i demens og alderspsykiatri for {x}"],
    "excel": ["Kontoransatte må bli flinkere i Excel og regneark i {x}", "Kurs i pivottabeller, formler og rapporter i Excel for {x}",
              "Økonomimedarbeiderne trenger opplæring i regneark og diagrammer i {x}", "Vi vil lære å lage budsjett og analyser i Excel for {x}"],
    "guiding": ["Guidene våre trenger opplæring i sikkerhet på vinterturer med gjester i {x}", "Kurs i naturguiding og risikovurdering på tur i {x}",
                "Turlederne må lære førstehjelp i kulde og trygg guiding av turister i {x}", "Vi trenger kompetanse i friluftsguiding og formidling av natur i {x}"],
}
CONTEXTS = ["kommunen", "bedriften", "avdelingen vår", "hyttefeltet", "sykehjemmet", "anlegget", "nordområdene", "distriktet"]


def planted_needs(per_theme: int = 8, seed: int = 3) -> tuple[list[str], list[int]]:
    rnd = random.Random(seed)
    texts, labels = [], []
    for label, (_, templates) in enumerate(sorted(THEMES.items())):
        for i in range(per_theme):
            texts.append(templates[i % len(templates)].format(x=rnd.choice(CONTEXTS)))
            labels.append(label)
    return texts, labels
