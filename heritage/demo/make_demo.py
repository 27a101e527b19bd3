"""Writes the demo collection (``collection.json``, read through ``collection.mapping.yml``).

The collection is fictional: invented objects, photographers, publishers and institutions ("…de
démonstration", "Demo-…"), set in real Luxembourg places and described with well-established facts
only (Vianden castle above the Our, the dancing procession of Echternach on Whit Tuesday, the
Schueberfouer on the Glacis, the blast furnaces of Esch-Belval…). 36 records are written one by one;
the others come from small series (a publisher's postcards, two photographers' reportages, newspaper
issues, posters, objects) whose sentences are written here in French, German, Luxembourgish and English.
Some descriptions carry no language tag, on purpose: enrichment has to find their language.

Run ``python -m moien.heritage.demo.make_demo`` to rewrite ``collection.json`` (the file is committed).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
MUSEE = "Musée régional de démonstration"
ARCHIVES = "Archives communales de démonstration"
BIBLIO = "Bibliothèque de démonstration"
INDUSTRIE = "Demo-Industriemuseum"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
PDM = "http://creativecommons.org/publicdomain/mark/1.0/"
CCBY = "https://creativecommons.org/licenses/by/4.0/"
INC = "http://rightsstatements.org/vocab/InC/1.0/"

items: list[dict[str, Any]] = []
#: A text in several languages (``{"fr": …, "de": …}``), or one untagged text.
Text = dict[str, str] | str


def add(
    rid: str,
    title: Text,
    description: Text,
    *,
    type_: Text,
    date: str | None = None,
    creator: list[str] | None = None,
    place: list[str] | None = None,
    subject: list[str] | None = None,
    rights: str = CC0,
    provider: str = MUSEE,
    image: str | None = None,
    edm_type: str = "IMAGE",
    manifest: str | None = None,
    extent: str | None = None,
) -> None:
    item: dict[str, Any] = {
        "id": rid,
        "title": title,
        "description": description,
        "type": type_,
        "edm_type": edm_type,
        "rights": rights,
        "provider": provider,
    }
    if date:
        item["date"] = date
    if creator:
        item["creator"] = creator
    if place:
        item["place"] = place
    if subject:
        item["subject"] = subject
    if image:
        item["image"] = f"images/{image}.png"
    if manifest:
        item["manifest"] = f"iiif/{manifest}.json"
    if extent:
        item["extent"] = extent
    items.append(item)


# -- 36 records written one by one -------------------------------------------------------------------
def highlights() -> None:
    add(
        "demo:h01",
        {"fr": "Le château de Vianden vu depuis la vallée de l'Our"},
        {
            "fr": "Huile sur toile. Le château domine la ville et la vallée de l'Our ; au premier plan, le pont et "
            "les toits de la vieille ville. Anne Kieffer a peint plusieurs vues de Vianden à la fin des années 1920."
        },
        type_={"fr": "Peinture"},
        date="1928",
        creator=["Kieffer, Anne"],
        place=["Vianden"],
        subject=["château", "paysage"],
        image="castle",
        manifest="demo-h01",
        extent="65 x 81 cm",
    )
    add(
        "demo:h02",
        {"de": "Die Burgruine Vianden im Winter"},
        {
            "de": "Schwarzweißfotografie der Burgruine über der Stadt, aufgenommen vom Ufer der Our. Die Dächer "
            "der Altstadt sind verschneit."
        },
        type_={"de": "Fotografie"},
        date="um 1935",
        creator=["Wagner, Claire"],
        place=["Vianden"],
        subject=["Burg", "Winter"],
        image="castle-sepia",
        rights=CCBY,
    )
    add(
        "demo:h03",
        {"lb": "Dem Victor Hugo säin Haus zu Veianen"},
        {
            "lb": "Postkaart mam Haus bei der Bréck, wou de franséische Schrëftsteller Victor Hugo 1871 e puer Méint "
            "gewunnt huet. Haut ass an deem Haus e klenge Musée."
        },
        type_={"lb": "Postkaart"},
        date="ëm 1910",
        creator=["Weber, Nicolas"],
        place=["Veianen"],
        subject=["Victor Hugo", "Bréck"],
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h04",
        {"en": "Miners' carbide lamp"},
        {
            "en": "A brass carbide lamp of the kind iron-ore miners carried underground in the Minett. Water "
            "dripping onto calcium carbide produced acetylene gas, which burned with a bright flame."
        },
        type_={"en": "Tool"},
        date="early 20th century",
        place=["Rumelange"],
        subject=["mining", "lamp"],
        image="lamp",
        provider=INDUSTRIE,
        edm_type="3D",
        extent="height 24 cm",
        manifest="demo-h04",
    )
    add(
        "demo:h05",
        {"fr": "Les hauts fourneaux de Belval"},
        {
            "fr": "Vue des hauts fourneaux de l'usine de Belval à Esch-sur-Alzette, la fumée au-dessus des "
            "cheminées et les voies ferrées de l'usine au premier plan."
        },
        type_={"fr": "Photographie"},
        date="1923",
        creator=["Schmit, Marie"],
        place=["Esch-sur-Alzette"],
        subject=["sidérurgie", "haut fourneau"],
        image="furnace",
        provider=INDUSTRIE,
        rights=CCBY,
    )
    add(
        "demo:h06",
        {"de": "Springprozession in Echternach"},
        {
            "de": "Pilger und Musikanten ziehen am Pfingstdienstag in Reihen tanzend durch die Straßen von "
            "Echternach zur Basilika."
        },
        type_={"de": "Fotografie"},
        date="1927",
        creator=["Schmit, Marie"],
        place=["Echternach"],
        subject=["Prozession", "Basilika"],
        image="procession",
        rights=CCBY,
    )
    add(
        "demo:h07",
        {"lb": "Schueberfouer op der Glacis"},
        {
            "lb": "D'Fouer mat Reiserad a Baraken op der Glacis an der Stad. D'Schueberfouer gëtt all Joer Enn "
            "August opgeriicht."
        },
        type_={"lb": "Foto"},
        date="1950er Joren",
        creator=["Wagner, Claire"],
        place=["Stad Lëtzebuerg"],
        subject=["Schueberfouer", "Kiermes"],
        image="fair",
        provider=ARCHIVES,
        rights=INC,
    )
    add(
        "demo:h08",
        {"fr": "Vignobles en terrasses à Remich"},
        {"fr": "Aquarelle. Les vignes descendent en terrasses jusqu'à la Moselle ; un bateau passe sur le fleuve."},
        type_={"fr": "Aquarelle"},
        date="1931",
        creator=["Kieffer, Anne"],
        place=["Remich"],
        subject=["vignoble", "Moselle"],
        image="vineyard",
    )
    add(
        "demo:h09",
        {"de": "Dampflokomotive im Bahnhof Ettelbrück"},
        {"de": "Eine Dampflokomotive steht unter Dampf am Bahnsteig, Reisende warten mit ihrem Gepäck."},
        type_={"de": "Fotografie"},
        date="1930er Jahre",
        creator=["Wagner, Claire"],
        place=["Ettelbruck"],
        subject=["Eisenbahn", "Bahnhof"],
        image="train",
        provider=ARCHIVES,
        rights=CCBY,
    )
    add(
        "demo:h10",
        {"fr": "Jour de marché à Diekirch"},
        {"fr": "Les étals couverts de toiles colorées sur la place, les paysannes vendent œufs, beurre et légumes."},
        type_={"fr": "Photographie"},
        date="vers 1925",
        creator=["Schmit, Marie"],
        place=["Diekirch"],
        subject=["marché"],
        image="market",
        rights=CCBY,
    )
    add(
        "demo:h11",
        {"en": "Banner of the Wiltz brass band", "de": "Banner der Blaskapelle Wiltz"},
        {
            "en": "Red silk banner embroidered with gold thread, carried at the head of the band's processions "
            "and concerts."
        },
        type_={"en": "Textile"},
        date="1927",
        creator=["Atelier Hoffmann"],
        place=["Wiltz"],
        subject=["music", "embroidery"],
        image="banner",
    )
    add(
        "demo:h12",
        {"fr": "Horloge de parquet"},
        {"fr": "Horloge en chêne au cadran peint de fleurs, provenant d'une ferme des environs de Clervaux."},
        type_={"fr": "Mobilier"},
        date="XVIIIe siècle",
        place=["Clervaux"],
        subject=["horloge", "ferme"],
        image="clock",
        edm_type="3D",
    )
    add(
        "demo:h13",
        {"de": "Kaffeekanne aus Steingut"},
        {"de": "Steingut mit blauem Blumendekor aus der Manufaktur in Septfontaines bei Luxemburg."},
        type_={"de": "Keramik"},
        date="um 1790",
        place=["Luxemburg"],
        subject=["Steingut"],
        image="vase",
        edm_type="3D",
    )
    add(
        "demo:h14",
        {"lb": "Kaart vum Grand-Duché"},
        {"lb": "Handgezeechent Kaart vum Land mat de Flëss Sauer, Uelzecht a Musel an de gréisste Stied."},
        type_={"lb": "Kaart"},
        date="ëm 1880",
        subject=["Kaart"],
        image="map",
        provider=BIBLIO,
        rights=PDM,
    )
    add(
        "demo:h15",
        {"fr": "Pièce de monnaie trouvée à Mersch"},
        {"fr": "Pièce en nickel trouvée lors de travaux dans une maison de Mersch."},
        type_={"fr": "Monnaie"},
        date="1930",
        place=["Mersch"],
        subject=["monnaie"],
        image="coin",
        edm_type="3D",
    )
    add(
        "demo:h16",
        {"en": "Portrait of a woman wearing a bonnet", "lb": "Broschtbild vun enger Fra mat Kapp"},
        {"lb": "Bläistëftzeechnung op Pabeier, wahrscheinlech eng Studie fir e gréisst Bild."},
        type_={"en": "Drawing"},
        date="ca. 1928",
        creator=["Kieffer, Anne"],
        subject=["portrait"],
        image="portrait",
        manifest="demo-h16",
    )
    add(
        "demo:h17",
        {"de": "Mosellandschaft bei Grevenmacher"},
        {"de": "Öl auf Leinwand. Weinberge über dem Fluss, im Hintergrund die Hügel am deutschen Ufer."},
        type_={"de": "Gemälde"},
        date="1932",
        creator=["Kieffer, Anne"],
        place=["Grevenmacher"],
        subject=["Landschaft", "Weinberg"],
        image="landscape",
        rights=INC,
    )
    add(
        "demo:h18",
        {"fr": "Le moulin de Beaufort"},
        {"fr": "La roue à aubes du moulin tourne encore ; le meunier se tient devant la porte."},
        type_={"fr": "Photographie"},
        date="années 1940",
        creator=["Wagner, Claire"],
        place=["Beaufort"],
        subject=["moulin"],
        image="mill",
        provider=ARCHIVES,
        rights=CCBY,
    )
    add(
        "demo:h19",
        {"lb": "Plakat fir d'Kiermes zu Wolz"},
        {"lb": "Faarweg Plakat: Kiermes mat Bal, Musek a Reiserad, den éischte Sonndeg am September."},
        type_={"lb": "Plakat"},
        date="1936",
        place=["Wolz"],
        subject=["Kiermes", "Musek"],
        image="poster",
        provider=ARCHIVES,
        rights=INC,
    )
    add(
        "demo:h20",
        {"fr": "Affiche de la fête du travail à Differdange"},
        {"fr": "Affiche lithographiée annonçant le cortège des ouvriers de l'usine et le bal du soir."},
        type_={"fr": "Affiche"},
        date="années 1930",
        place=["Differdange"],
        subject=["ouvriers", "fête"],
        image="poster",
        provider=INDUSTRIE,
        rights=PDM,
    )
    add(
        "demo:h21",
        {"de": "Luxemburger Demo-Tageblatt, Ausgabe vom 2. Mai 1936"},
        {"de": "Berichte über die Umzüge zum 1. Mai in Esch, Düdelingen und Differdingen; Marktpreise; Anzeigen."},
        type_={"de": "Zeitung"},
        date="1936-05-02",
        place=["Esch-sur-Alzette"],
        subject=["Arbeiterbewegung"],
        image="newspaper",
        provider=BIBLIO,
        edm_type="TEXT",
        rights=PDM,
    )
    add(
        "demo:h22",
        {"en": "Ration book from 1944"},
        {
            "en": "Ration book issued to a family in Ettelbruck during the Second World War, with coupons for "
            "bread, meat and fat."
        },
        type_={"en": "Document"},
        date="1944",
        place=["Ettelbruck"],
        subject=["war", "bread"],
        provider=ARCHIVES,
        edm_type="TEXT",
        rights=INC,
    )
    add(
        "demo:h23",
        {"fr": "Les casemates du Bock"},
        {"fr": "Carte postale montrant les casemates creusées dans le rocher du Bock, au-dessus du quartier du Grund."},
        type_={"fr": "Carte postale"},
        date="vers 1910",
        creator=["Weber, Nicolas"],
        place=["Luxembourg"],
        subject=["forteresse", "casemates"],
        image="castle-sepia",
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h24",
        {"de": "Die Adolphe-Brücke im Bau"},
        {"de": "Fotografie der Baustelle: der große Steinbogen über dem Petrusstal ist eingerüstet."},
        type_={"de": "Fotografie"},
        date="1900-1903",
        place=["Luxemburg"],
        subject=["Brücke"],
        image="bridge",
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h25",
        {"lb": "D'Kathedral an der Stad"},
        {"lb": "Postkaart mat der Kathedral Notre-Dame an hirem spëtzen Tuerm."},
        type_={"lb": "Postkaart"},
        date="ëm 1920",
        creator=["Weber, Nicolas"],
        place=["Stad Lëtzebuerg"],
        subject=["Kierch"],
        image="church",
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h26",
        {"fr": "La basilique d'Echternach"},
        {"fr": "Carte postale : la basilique Saint-Willibrord et la place du marché."},
        type_={"fr": "Carte postale"},
        date="vers 1910",
        creator=["Weber, Nicolas"],
        place=["Echternach"],
        subject=["basilique"],
        image="church",
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h27",
        {"en": "Schengen on the Moselle"},
        {
            "en": "Photograph of the wine village of Schengen, where the borders of Luxembourg, France and Germany "
            "meet on the Moselle."
        },
        type_={"en": "Photograph"},
        date="1960s",
        creator=["Wagner, Claire"],
        place=["Schengen"],
        subject=["vineyard", "river"],
        image="vineyard",
        rights=INC,
    )
    add(
        "demo:h28",
        {"de": "Bergleute vor dem Stolleneingang"},
        {"de": "Gruppenbild von Bergleuten mit ihren Karbidlampen vor dem Eingang einer Eisenerzgrube."},
        type_={"de": "Fotografie"},
        date="1912",
        creator=["Schmit, Marie"],
        place=["Rümelingen"],
        subject=["Bergbau", "Bergmann"],
        provider=INDUSTRIE,
        rights=CCBY,
    )
    add(
        "demo:h29",
        {"fr": "Une classe de l'école primaire de Wiltz"},
        {"fr": "Les élèves et leur instituteur posent devant l'école, les plus petits au premier rang."},
        type_={"fr": "Photographie"},
        date="1934",
        place=["Wiltz"],
        subject=["école"],
        provider=ARCHIVES,
        rights=INC,
    )
    add(
        "demo:h30",
        {"lb": "Bauerenhaff am Éislek"},
        {"lb": "Foto vun engem Bauerenhaff mat Schaf a Wisen, am Hannergrond de Bësch."},
        type_={"lb": "Foto"},
        date="1950",
        creator=["Wagner, Claire"],
        place=["Clervaux"],
        subject=["Bauerenhaff"],
        provider=ARCHIVES,
        rights=INC,
    )
    add(
        "demo:h31",
        {"fr": "La cavalcade de Diekirch"},
        {"fr": "Chars décorés et musiciens costumés défilent dans la rue principale pendant le carnaval."},
        type_={"fr": "Photographie"},
        date="1955",
        creator=["Wagner, Claire"],
        place=["Diekirch"],
        subject=["carnaval"],
        provider=ARCHIVES,
        rights=INC,
    )
    add(
        "demo:h32",
        {"de": "Kurpark in Mondorf"},
        {"de": "Ansichtskarte mit Kurgästen auf den Wegen des Parks und dem Badehaus."},
        type_={"de": "Ansichtskarte"},
        date="um 1912",
        creator=["Weber, Nicolas"],
        place=["Mondorf-les-Bains"],
        subject=["Tourismus"],
        image="landscape",
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h33",
        {"en": "View of Larochette castle"},
        {"en": "Postcard: the castle ruins on the sandstone cliff above the village."},
        type_={"en": "Postcard"},
        date="c. 1905",
        creator=["Weber, Nicolas"],
        place=["Larochette"],
        subject=["castle"],
        image="castle",
        provider=ARCHIVES,
        rights=PDM,
    )
    add(
        "demo:h34",
        {"lb": "D'Buerg Buerschent"},
        {"lb": "Foto vun der Buerg op dem Bierg iwwer der Sauer."},
        type_={"lb": "Foto"},
        date="1960er Joren",
        creator=["Wagner, Claire"],
        place=["Bourscheid"],
        subject=["Buerg"],
        image="castle",
        provider=ARCHIVES,
        rights=INC,
    )
    add(
        "demo:h35",
        {"fr": "Tramway avenue de la Gare"},
        {"fr": "Un tramway électrique descend l'avenue de la Gare, entre les façades des grands magasins."},
        type_={"fr": "Photographie"},
        date="années 1930",
        place=["Luxembourg"],
        subject=["tramway"],
        image="train",
        provider=ARCHIVES,
        rights=CCBY,
    )
    add(
        "demo:h36",
        {"de": "Backofen eines Bauernhofs"},
        "Gemauerter Backofen mit eiserner Tür, in dem einmal in der Woche Brot für den ganzen Hof gebacken wurde.",
        type_={"de": "Objekt"},
        date="19. Jahrhundert",
        place=["Clervaux"],
        subject=["Brot", "Bauernhof"],
        edm_type="3D",
    )


# -- places, in four languages (as the authority table writes them) ------------------------------------
PLACES = {
    "Vianden": {"fr": "Vianden", "de": "Vianden", "lb": "Veianen", "en": "Vianden"},
    "Clervaux": {"fr": "Clervaux", "de": "Clerf", "lb": "Klierf", "en": "Clervaux"},
    "Wiltz": {"fr": "Wiltz", "de": "Wiltz", "lb": "Wolz", "en": "Wiltz"},
    "Larochette": {"fr": "Larochette", "de": "Fels", "lb": "Fiels", "en": "Larochette"},
    "Beaufort": {"fr": "Beaufort", "de": "Befort", "lb": "Beefort", "en": "Beaufort"},
    "Bourscheid": {"fr": "Bourscheid", "de": "Burscheid", "lb": "Buerschent", "en": "Bourscheid"},
    "Echternach": {"fr": "Echternach", "de": "Echternach", "lb": "Iechternach", "en": "Echternach"},
    "Diekirch": {"fr": "Diekirch", "de": "Diekirch", "lb": "Dikrech", "en": "Diekirch"},
    "Luxembourg": {"fr": "Luxembourg", "de": "Luxemburg", "lb": "Lëtzebuerg", "en": "Luxembourg City"},
    "Remich": {"fr": "Remich", "de": "Remich", "lb": "Réimech", "en": "Remich"},
    "Grevenmacher": {"fr": "Grevenmacher", "de": "Grevenmacher", "lb": "Gréiwemaacher", "en": "Grevenmacher"},
    "Esch-sur-Alzette": {
        "fr": "Esch-sur-Alzette",
        "de": "Esch an der Alzette",
        "lb": "Esch-Uelzecht",
        "en": "Esch-sur-Alzette",
    },
    "Mondorf-les-Bains": {"fr": "Mondorf-les-Bains", "de": "Bad Mondorf", "lb": "Munneref", "en": "Mondorf-les-Bains"},
    "Mersch": {"fr": "Mersch", "de": "Mersch", "lb": "Miersch", "en": "Mersch"},
    "Ettelbruck": {"fr": "Ettelbruck", "de": "Ettelbrück", "lb": "Ettelbréck", "en": "Ettelbruck"},
    "Differdange": {"fr": "Differdange", "de": "Differdingen", "lb": "Déifferdeng", "en": "Differdange"},
    "Dudelange": {"fr": "Dudelange", "de": "Düdelingen", "lb": "Diddeleng", "en": "Dudelange"},
    "Schengen": {"fr": "Schengen", "de": "Schengen", "lb": "Schengen", "en": "Schengen"},
    "Rumelange": {"fr": "Rumelange", "de": "Rümelingen", "lb": "Rëmeleng", "en": "Rumelange"},
}

# -- a publisher's postcards ---------------------------------------------------------------------------
#: Per view: its phrase in each language, and a further sentence (``more``) per language.
VIEWS: dict[str, dict[str, Any]] = {
    "castle": {
        "fr": "le château",
        "de": "die Burg",
        "lb": "d'Buerg",
        "en": "the castle",
        "more": {
            "fr": "Le château domine la vallée et les toits de la ville.",
            "de": "Die Burg erhebt sich über dem Tal und den Dächern des Ortes.",
            "lb": "D'Buerg steet héich iwwer dem Dall an den Diech vum Uert.",
            "en": "The castle rises above the valley and the roofs of the town.",
        },
    },
    "church": {
        "fr": "l'église",
        "de": "die Kirche",
        "lb": "d'Kierch",
        "en": "the church",
        "more": {
            "fr": "L'église et la place, quelques passants devant le portail.",
            "de": "Die Kirche und der Platz, einige Passanten vor dem Portal.",
            "lb": "D'Kierch an d'Plaz, e puer Leit virun der Dier.",
            "en": "The church and the square, a few passers-by in front of the door.",
        },
    },
    "bridge": {
        "fr": "le pont",
        "de": "die Brücke",
        "lb": "d'Bréck",
        "en": "the bridge",
        "more": {
            "fr": "Le pont de pierre franchit la vallée en plusieurs arches.",
            "de": "Die Steinbrücke überspannt das Tal mit mehreren Bögen.",
            "lb": "D'Steebréck geet mat e puer Béi iwwer den Dall.",
            "en": "The stone bridge spans the valley in several arches.",
        },
    },
    "vineyard": {
        "fr": "les vignobles",
        "de": "die Weinberge",
        "lb": "d'Wéngerten",
        "en": "the vineyards",
        "more": {
            "fr": "Les vignes en terrasses descendent jusqu'à la Moselle.",
            "de": "Die Weinberge ziehen sich in Terrassen bis zur Mosel hinunter.",
            "lb": "D'Wéngerten ginn a Terrassen erof bis op d'Musel.",
            "en": "Terraced vineyards run down to the Moselle.",
        },
    },
    "furnace": {
        "fr": "l'usine sidérurgique",
        "de": "das Hüttenwerk",
        "lb": "d'Schmelz",
        "en": "the steelworks",
        "more": {
            "fr": "Les hauts fourneaux et les cheminées fument au-dessus de la ville ouvrière.",
            "de": "Hochöfen und Schornsteine rauchen über der Arbeiterstadt.",
            "lb": "D'Héichiewen an d'Schornsteng damen iwwer der Aarbechterstad.",
            "en": "Blast furnaces and chimneys smoke above the workers' town.",
        },
    },
    "landscape": {
        "fr": "le parc",
        "de": "der Park",
        "lb": "de Park",
        "en": "the park",
        "more": {
            "fr": "Allées ombragées et pelouses, des promeneurs sur les bancs.",
            "de": "Schattige Alleen und Rasenflächen, Spaziergänger auf den Bänken.",
            "lb": "Schiedeg Alleeën a Wisen, Leit op de Bänken.",
            "en": "Shaded alleys and lawns, walkers on the benches.",
        },
    },
    "train": {
        "fr": "la gare",
        "de": "der Bahnhof",
        "lb": "d'Gare",
        "en": "the railway station",
        "more": {
            "fr": "Un train entre en gare, les voyageurs attendent sur le quai.",
            "de": "Ein Zug fährt ein, Reisende warten auf dem Bahnsteig.",
            "lb": "Een Zuch fiert an d'Gare, d'Leit waarden um Quai.",
            "en": "A train pulls in, travellers wait on the platform.",
        },
    },
}
POSTCARD_PLACES = [
    ("Vianden", "castle"),
    ("Clervaux", "castle"),
    ("Wiltz", "castle"),
    ("Larochette", "castle"),
    ("Beaufort", "castle"),
    ("Bourscheid", "castle"),
    ("Echternach", "church"),
    ("Diekirch", "church"),
    ("Luxembourg", "bridge"),
    ("Remich", "vineyard"),
    ("Grevenmacher", "vineyard"),
    ("Esch-sur-Alzette", "furnace"),
    ("Mondorf-les-Bains", "landscape"),
    ("Mersch", "church"),
    ("Ettelbruck", "train"),
    ("Differdange", "furnace"),
    ("Dudelange", "furnace"),
    ("Schengen", "vineyard"),
]
POSTCARD_DATES = {
    "fr": ["vers 1905", "vers 1910", "vers 1920", "1908"],
    "de": ["um 1905", "um 1912", "um 1925", "1911"],
    "lb": ["ëm 1905", "ëm 1910", "ëm 1920"],
    "en": ["c. 1905", "c. 1910", "about 1920"],
}
CARD = {"fr": "Carte postale", "de": "Ansichtskarte", "lb": "Postkaart", "en": "Postcard"}
TECH = {
    "fr": ["colorisée", "en phototypie", "en noir et blanc"],
    "de": ["koloriert", "Lichtdruck", "schwarzweiß"],
    "lb": ["faarweg", "schwaarz-wäiss"],
    "en": ["hand-coloured", "collotype", "black and white"],
}
IMAGE_OF = {
    "castle": "castle",
    "church": "church",
    "bridge": "bridge",
    "vineyard": "vineyard",
    "furnace": "furnace",
    "landscape": "landscape",
    "train": "train",
}


def _of(lang: str, place: str) -> str:
    name = PLACES[place][lang]
    if lang == "fr":
        return f"d'{name}" if name[0] in "AEIOUÉ" else f"de {name}"
    if lang == "de":
        return f"von {name}"
    if lang == "lb":
        return f"vun {name}" if name[0] in "AEIOUÉDHNTZdhntz" else f"vu {name}"
    return f"of {name}"


def _noun(phrase: str) -> str:
    word = phrase.split(" ")[-1]
    return word.split("'", 1)[1] if "'" in word else word


def postcards(rng: random.Random) -> None:
    n = 0
    for place, view in POSTCARD_PLACES:
        for lang in rng.sample(["fr", "de", "lb", "en"], 2):
            n += 1
            v = VIEWS[view]
            title = f"{PLACES[place][lang]}. {v[lang][0].upper()}{v[lang][1:]}"
            tech = rng.choice(TECH[lang])
            desc = {
                "fr": f"Carte postale {tech} éditée par Nicolas Weber : {v['fr']} {_of('fr', place)}. {v['more']['fr']}",
                "de": f"Ansichtskarte ({tech}) aus dem Verlag Nicolas Weber: {v['de']} {_of('de', place)}. {v['more']['de']}",
                "lb": f"Postkaart ({tech}) vum Nicolas Weber: {v['lb']} {_of('lb', place)}. {v['more']['lb']}",
                "en": f"Postcard ({tech}) published by Nicolas Weber: {v['en']} {_of('en', place)}. {v['more']['en']}",
            }[lang]
            tagged = n % 3 != 0  # every third description comes without a language tag
            add(
                f"demo:pc{n:03d}",
                {lang: title},
                {lang: desc} if tagged else desc,
                type_={lang: CARD[lang]},
                date=rng.choice(POSTCARD_DATES[lang]),
                creator=["Weber, Nicolas"],
                place=[PLACES[place][lang] if lang != "en" else place],
                subject=[_noun(v[lang])],
                image=IMAGE_OF[view] if n % 2 == 0 else None,
                provider=ARCHIVES,
                rights=PDM,
            )


# -- two photographers' reportages ---------------------------------------------------------------------
EVENTS = [
    (
        "market",
        {"fr": "Jour de marché", "de": "Markttag", "lb": "Maartdag", "en": "Market day"},
        {
            "fr": "Les étals sur la place, les marchandes de légumes et de volailles, la foule du matin.",
            "de": "Marktstände auf dem Platz, Gemüse- und Geflügelhändlerinnen, das Gedränge am Morgen.",
            "lb": "Stänn op der Plaz, Geméis a Gefligel, vill Leit moies um Maart.",
            "en": "Stalls on the square, vegetable and poultry sellers, the morning crowd.",
        },
        "market",
        ["marché"],
    ),
    (
        "fair",
        {"fr": "La kermesse", "de": "Die Kirmes", "lb": "D'Kiermes", "en": "The funfair"},
        {
            "fr": "Manèges, baraques foraines et grande roue sur la place de la fête.",
            "de": "Karussells, Buden und ein Riesenrad auf dem Festplatz.",
            "lb": "Karusselen, Baraken an e Reiserad op der Fouerplaz.",
            "en": "Merry-go-rounds, stalls and a big wheel on the fairground.",
        },
        "fair",
        ["kermesse"],
    ),
    (
        "school",
        {"fr": "Photo de classe", "de": "Klassenfoto", "lb": "Klassefoto", "en": "Class photograph"},
        {
            "fr": "Les élèves en rangs devant l'école avec leur institutrice.",
            "de": "Die Schulkinder in Reihen vor der Schule mit ihrer Lehrerin.",
            "lb": "D'Schoulkanner a Reie virun der Schoul mat hirer Joffer.",
            "en": "Pupils lined up in front of the school with their teacher.",
        },
        None,
        ["école"],
    ),
    (
        "harvest",
        {"fr": "Les vendanges", "de": "Die Weinlese", "lb": "D'Wäilies", "en": "The grape harvest"},
        {
            "fr": "Vendangeurs et vendangeuses avec leurs hottes dans les vignes au-dessus de la Moselle.",
            "de": "Winzer und Helferinnen mit Kiepen in den Weinbergen über der Mosel.",
            "lb": "Wënzer an Hëllefer mat Hotten an de Wéngerten iwwer der Musel.",
            "en": "Grape pickers with baskets on their backs in the vineyards above the Moselle.",
        },
        "vineyard",
        ["vin"],
    ),
    (
        "mine",
        {
            "fr": "Mineurs à la sortie du puits",
            "de": "Bergleute nach der Schicht",
            "lb": "Minettsaarbechter no der Schicht",
            "en": "Miners after their shift",
        },
        {
            "fr": "Les mineurs, lampe à la main, remontent de la mine de fer au changement d'équipe.",
            "de": "Die Bergleute kommen mit ihren Lampen aus der Eisenerzgrube, Schichtwechsel.",
            "lb": "D'Aarbechter kommen mat hire Luuchten aus der Minn, Schichtwiessel.",
            "en": "Miners, lamps in hand, come up from the iron-ore mine at the change of shift.",
        },
        "lamp",
        ["mine"],
    ),
    (
        "steel",
        {
            "fr": "Coulée à l'aciérie",
            "de": "Abstich im Stahlwerk",
            "lb": "Ofstéch an der Schmelz",
            "en": "Tapping at the steelworks",
        },
        {
            "fr": "Des ouvriers en tablier de cuir surveillent la coulée de fonte au pied du haut fourneau.",
            "de": "Arbeiter in Lederschürzen überwachen den Abstich am Fuß des Hochofens.",
            "lb": "Aarbechter mat Liederschiirzen iwwerwaachen den Ofstéch ënnen um Héichuewen.",
            "en": "Workers in leather aprons watch the iron being tapped at the foot of the blast furnace.",
        },
        "furnace",
        ["sidérurgie"],
    ),
    (
        "station",
        {"fr": "À la gare", "de": "Am Bahnhof", "lb": "Op der Gare", "en": "At the railway station"},
        {
            "fr": "Une locomotive à vapeur et ses wagons, des voyageurs sur le quai.",
            "de": "Eine Dampflok mit ihren Wagen, Reisende auf dem Bahnsteig.",
            "lb": "Eng Damplok mat hire Waggonen, Leit um Quai.",
            "en": "A steam locomotive and its carriages, travellers on the platform.",
        },
        "train",
        ["chemin de fer"],
    ),
    (
        "carnival",
        {"fr": "Le carnaval", "de": "Der Karneval", "lb": "D'Fuesent", "en": "Carnival"},
        {
            "fr": "Enfants déguisés et chars décorés dans la rue principale.",
            "de": "Verkleidete Kinder und geschmückte Wagen in der Hauptstraße.",
            "lb": "Verkleet Kanner a geschmaacht Wagen an der Haaptstrooss.",
            "en": "Children in fancy dress and decorated floats in the main street.",
        },
        None,
        ["carnaval"],
    ),
    (
        "band",
        {
            "fr": "Concert de la fanfare",
            "de": "Konzert der Blaskapelle",
            "lb": "Concert vun der Musek",
            "en": "Brass band concert",
        },
        {
            "fr": "La fanfare municipale joue sur le kiosque, le dimanche après-midi.",
            "de": "Die Blaskapelle spielt am Sonntagnachmittag im Musikpavillon.",
            "lb": "D'Musek spillt e Sonndeg de Mëtteg um Kiosk.",
            "en": "The town band plays at the bandstand on a Sunday afternoon.",
        },
        "banner",
        ["musique"],
    ),
    (
        "procession",
        {"fr": "Procession", "de": "Prozession", "lb": "Prëssessioun", "en": "Procession"},
        {
            "fr": "La procession passe devant l'église, bannières et musique en tête.",
            "de": "Die Prozession zieht an der Kirche vorbei, mit Fahnen und Musik an der Spitze.",
            "lb": "D'Prëssessioun geet laanscht d'Kierch, Fändelen a Musek vir.",
            "en": "The procession passes the church, banners and music at its head.",
        },
        "procession",
        ["procession"],
    ),
]
PHOTO = {"fr": "Photographie", "de": "Fotografie", "lb": "Foto", "en": "Photograph"}
PHOTO_PLACES = [
    "Esch-sur-Alzette",
    "Dudelange",
    "Differdange",
    "Diekirch",
    "Ettelbruck",
    "Wiltz",
    "Echternach",
    "Remich",
    "Grevenmacher",
    "Luxembourg",
    "Clervaux",
    "Mersch",
]
EVENT_PLACES = {
    "harvest": ["Remich", "Grevenmacher", "Schengen"],
    "mine": ["Esch-sur-Alzette", "Dudelange", "Differdange"],
    "steel": ["Esch-sur-Alzette", "Dudelange", "Differdange"],
    "station": ["Ettelbruck", "Luxembourg", "Mersch"],
    "procession": ["Echternach", "Wiltz", "Luxembourg"],
}
DECADE = {"fr": "années {d}", "de": "{d}er Jahre", "lb": "{d}er Joren", "en": "{d}s"}


def photographs(rng: random.Random) -> None:
    for n in range(1, 65):
        key, titles, descs, image, subject = EVENTS[(n - 1) % len(EVENTS)]
        lang = ["fr", "de", "lb", "en"][(n * 7) % 4]
        place = rng.choice(EVENT_PLACES.get(key, PHOTO_PLACES))
        schmit = n % 2 == 1
        decade = rng.choice([1920, 1930]) if schmit else rng.choice([1940, 1950, 1960])
        year = decade + rng.randint(0, 9)
        date = str(year) if n % 3 else DECADE[lang].format(d=decade)
        title = f"{titles[lang]} {_of(lang, place) if lang != 'fr' else ('à ' + PLACES[place]['fr'])}"
        desc = descs[lang]
        add(
            f"demo:ph{n:03d}",
            {lang: title},
            {lang: desc} if n % 4 else desc,
            type_={lang: PHOTO[lang]},
            date=date,
            creator=["Schmit, Marie" if schmit else "Wagner, Claire"],
            place=[PLACES[place][lang] if lang != "en" else place],
            subject=subject,
            image=image if n % 3 == 0 else None,
            provider=ARCHIVES if n % 2 else MUSEE,
            rights=CCBY if schmit else INC,
        )


# -- newspapers ----------------------------------------------------------------------------------------
PAPERS = [
    ("de", "Luxemburger Demo-Tageblatt", "Esch-sur-Alzette"),
    ("fr", "L'Écho de démonstration", "Luxembourg"),
    ("lb", "D'Demo-Blat", "Diekirch"),
]
HEADLINES = {
    "de": [
        "Neuer Hochofen in Betrieb genommen",
        "Hochwasser an der Sauer",
        "Große Kirmes am Sonntag",
        "Der Gemeinderat beschließt den Bau einer Schule",
        "Weinlese an der Mosel beginnt",
        "Eröffnung der neuen Eisenbahnlinie",
        "Konzert der Blaskapelle im Stadtpark",
        "Marktpreise der Woche",
    ],
    "fr": [
        "Mise en service d'un nouveau haut fourneau",
        "Crue de la Sûre",
        "Grande kermesse dimanche",
        "Le conseil communal décide la construction d'une école",
        "Début des vendanges sur la Moselle",
        "Inauguration de la nouvelle ligne de chemin de fer",
        "Concert de la fanfare au parc",
        "Prix du marché",
    ],
    "lb": [
        "Neien Héichuewen an de Betrib geholl",
        "Héichwaasser un der Sauer",
        "Grouss Kiermes e Sonndeg",
        "De Gemengerot decidéiert eng nei Schoul",
        "D'Wäilies un der Musel fänkt un",
        "Nei Eisebunnslinn ageweit",
        "Concert vun der Musek am Park",
        "Maartpräisser vun der Woch",
    ],
}
ISSUE = {"de": "Ausgabe vom {d}", "fr": "numéro du {d}", "lb": "Nummer vum {d}"}
MONTH_NAMES = {
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "lb": [
        "Januar",
        "Februar",
        "Mäerz",
        "Abrëll",
        "Mee",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
}
LEAD = {
    "de": "Tageszeitung. Auf der ersten Seite: ",
    "fr": "Quotidien. En première page : ",
    "lb": "Zeitung. Op der éischter Säit: ",
}
NEWS_TYPE = {"de": "Zeitung", "fr": "Journal", "lb": "Zeitung"}


def newspapers(rng: random.Random) -> None:
    n = 0
    for lang, title, place in PAPERS:
        for _ in range(10):
            n += 1
            y, m, d = rng.randint(1920, 1960), rng.randint(1, 12), rng.randint(1, 28)
            day = f"{d}. {MONTH_NAMES[lang][m - 1]} {y}" if lang != "fr" else f"{d} {MONTH_NAMES[lang][m - 1]} {y}"
            heads = rng.sample(HEADLINES[lang], 3)
            add(
                f"demo:np{n:03d}",
                {lang: f"{title}, {ISSUE[lang].format(d=day)}"},
                {lang: LEAD[lang] + " ; ".join(heads) + "."} if n % 2 else LEAD[lang] + " ; ".join(heads) + ".",
                type_={lang: NEWS_TYPE[lang]},
                date=f"{y}-{m:02d}-{d:02d}",
                place=[PLACES[place][lang]],
                subject=[NEWS_TYPE[lang]],
                image="newspaper" if n % 4 == 0 else None,
                provider=BIBLIO,
                edm_type="TEXT",
                rights=PDM if y < 1950 else INC,
            )


# -- posters -------------------------------------------------------------------------------------------
POSTERS = [
    (
        "fr",
        "Affiche : grand bal de la fanfare",
        "Bal populaire avec la fanfare, samedi soir à la salle des fêtes.",
        "Wiltz",
        "1938",
    ),
    (
        "fr",
        "Affiche : foire agricole",
        "Exposition de bétail, de machines agricoles et de produits de la ferme.",
        "Ettelbruck",
        "1952",
    ),
    (
        "fr",
        "Affiche : exposition de peinture",
        "Exposition des œuvres d'Anne Kieffer : paysages de la Moselle et de l'Oesling.",
        "Luxembourg",
        "1934",
    ),
    (
        "de",
        "Plakat: Weinfest an der Mosel",
        "Weinfest mit Umzug der Winzer, Musik und Weinprobe.",
        "Grevenmacher",
        "1951",
    ),
    ("de", "Plakat: Kirmes in Düdelingen", "Kirmes mit Karussells, Schießbuden und Feuerwerk.", "Dudelange", "1929"),
    (
        "de",
        "Plakat: Radrennen durch das Ösling",
        "Radrennen über die Hügel des Öslings, Start und Ziel am Marktplatz.",
        "Clervaux",
        "1947",
    ),
    ("lb", "Plakat: Fuesent zu Dikrech", "Cavalcade mat Wagen a Musek duerch d'Stroossen.", "Diekirch", "1956"),
    ("lb", "Plakat: Theater um Duerf", "Theaterstéck op Lëtzebuergesch am Festsall vun der Gemeng.", "Mersch", "1949"),
    ("lb", "Plakat: Concert vun der Musek", "Concert am Park mat der Musek vun der Gemeng.", "Remich", "1953"),
    (
        "en",
        "Poster: Spring fair",
        "Spring fair with stalls, a brass band and rides for children.",
        "Echternach",
        "1950",
    ),
    (
        "en",
        "Poster: Industrial exhibition",
        "Exhibition of the region's steel and mining industries.",
        "Esch-sur-Alzette",
        "1927",
    ),
    ("fr", "Affiche : fête de la Saint-Jean", "Feux de la Saint-Jean et bal en plein air.", "Larochette", "1931"),
    (
        "de",
        "Plakat: Eröffnung des Schwimmbads",
        "Eröffnung des neuen Schwimmbads mit Wettschwimmen.",
        "Mondorf-les-Bains",
        "1958",
    ),
    ("lb", "Plakat: Kiermes zu Réimech", "Kiermes mat Reiserad, Bal a Fëscher un der Musel.", "Remich", "1935"),
    (
        "fr",
        "Affiche : concours de chant",
        "Concours des chorales du canton, dimanche à l'église.",
        "Echternach",
        "1939",
    ),
]
POSTER = {"fr": "Affiche", "de": "Plakat", "lb": "Plakat", "en": "Poster"}


def posters() -> None:
    for n, (lang, title, desc, place, date) in enumerate(POSTERS, 1):
        add(
            f"demo:po{n:03d}",
            {lang: title},
            {lang: desc} if n % 2 else desc,
            type_={lang: POSTER[lang]},
            date=date,
            place=[PLACES[place][lang] if lang != "en" else place],
            subject=[POSTER[lang]],
            image="poster",
            provider=ARCHIVES,
            rights=INC if int(date) > 1950 else PDM,
        )


# -- objects -------------------------------------------------------------------------------------------
OBJECTS = [
    (
        "fr",
        "Lampe de mineur",
        "Lampe à carbure en laiton utilisée dans les mines de fer du sud du pays.",
        "Outil",
        "lamp",
        "début du XXe siècle",
        "Rumelange",
    ),
    (
        "de",
        "Grubenlampe",
        "Karbidlampe aus Messing aus einer Eisenerzgrube im Minett.",
        "Werkzeug",
        "lamp",
        "um 1920",
        "Differdange",
    ),
    (
        "en",
        "Safety lamp",
        "Miner's safety lamp with a glass cylinder and a wire gauze.",
        "Tool",
        "lamp",
        "1910s",
        "Esch-sur-Alzette",
    ),
    (
        "fr",
        "Assiette en faïence",
        "Assiette décorée d'un bouquet de fleurs bleues, faïencerie de Septfontaines.",
        "Céramique",
        "vase",
        "vers 1800",
        "Luxembourg",
    ),
    (
        "de",
        "Steingutschüssel",
        "Schüssel aus Steingut mit blauem Randdekor.",
        "Keramik",
        "vase",
        "um 1810",
        "Luxembourg",
    ),
    ("lb", "Steegutskrou", "Krou aus Steegut mat bloe Blummen.", "Keramik", "vase", "ëm 1820", "Luxembourg"),
    (
        "en",
        "Earthenware jug",
        "Jug with a blue floral pattern from a local pottery.",
        "Ceramics",
        "vase",
        "c. 1830",
        "Luxembourg",
    ),
    (
        "fr",
        "Pendule de cheminée",
        "Pendule en bronze doré posée sur la cheminée d'un salon bourgeois.",
        "Horloge",
        "clock",
        "XIXe siècle",
        "Luxembourg",
    ),
    (
        "de",
        "Wanduhr",
        "Wanduhr mit bemaltem Zifferblatt aus einem Bauernhaus.",
        "Uhr",
        "clock",
        "19. Jahrhundert",
        "Clervaux",
    ),
    (
        "fr",
        "Bannière de la chorale",
        "Bannière brodée de la chorale paroissiale.",
        "Textile",
        "banner",
        "1925",
        "Echternach",
    ),
    (
        "de",
        "Vereinsfahne der Feuerwehr",
        "Bestickte Fahne der freiwilligen Feuerwehr.",
        "Textil",
        "banner",
        "1931",
        "Ettelbruck",
    ),
    ("lb", "Fändel vun der Musek", "Gesticke Fändel vun der Museksgesellschaft.", "Textil", "banner", "1928", "Wiltz"),
    (
        "fr",
        "Pièce de dix centimes",
        "Pièce de monnaie en bronze trouvée dans un jardin.",
        "Monnaie",
        "coin",
        "1924",
        "Mersch",
    ),
    (
        "de",
        "Medaille der Landwirtschaftsausstellung",
        "Bronzemedaille, verliehen an einen Winzer.",
        "Medaille",
        "coin",
        "1912",
        "Remich",
    ),
    (
        "en",
        "Token of the steelworks canteen",
        "Brass token used to pay in the steelworks canteen.",
        "Token",
        "coin",
        "1930s",
        "Dudelange",
    ),
    (
        "fr",
        "Coffre de mariage",
        "Coffre en chêne sculpté, offert pour un mariage.",
        "Mobilier",
        "clock",
        "XVIIIe siècle",
        "Clervaux",
    ),
    ("de", "Bauernschrank", "Bemalter Schrank aus einem Bauernhaus im Ösling.", "Möbel", "clock", "um 1800", "Wiltz"),
    ("en", "Spinning wheel", "Wooden spinning wheel used on a farm.", "Tool", "mill", "19th century", "Clervaux"),
    ("fr", "Moule à pain", "Moule en bois pour façonner les pains de fête.", "Outil", None, "XIXe siècle", "Diekirch"),
    (
        "lb",
        "Brouttrog",
        "Holzen Trog fir den Deeg vum Brout ze knieden.",
        "Geschir",
        None,
        "19. Joerhonnert",
        "Clervaux",
    ),
    ("de", "Winzermesser", "Gebogenes Messer für die Weinlese.", "Werkzeug", None, "um 1900", "Grevenmacher"),
    (
        "fr",
        "Hotte de vendangeur",
        "Hotte en osier pour porter le raisin dans les vignes de la Moselle.",
        "Outil",
        "vineyard",
        "vers 1930",
        "Remich",
    ),
    (
        "en",
        "Railway lantern",
        "Signal lantern with red and green glass used by railway staff.",
        "Tool",
        "lamp",
        "1920s",
        "Ettelbruck",
    ),
    (
        "de",
        "Fahrkarte der Schmalspurbahn",
        "Fahrkarte einer Schmalspurbahn, Strecke nach Echternach.",
        "Dokument",
        "train",
        "1932",
        "Echternach",
    ),
    (
        "fr",
        "Plan de la forteresse",
        "Plan gravé de la forteresse de Luxembourg et de ses bastions.",
        "Carte",
        "map",
        "vers 1860",
        "Luxembourg",
    ),
    (
        "de",
        "Karte des Moseltals",
        "Handkolorierte Karte des Moseltals mit den Weinbergen.",
        "Karte",
        "map",
        "um 1890",
        "Remich",
    ),
    (
        "lb",
        "Kaart vum Éislek",
        "Wanderkaart vum Éislek mat de Wee fir d'Touristen.",
        "Kaart",
        "map",
        "1950er Joren",
        "Clervaux",
    ),
    (
        "en",
        "Souvenir plate from Vianden",
        "Porcelain plate painted with a view of Vianden castle.",
        "Ceramics",
        "vase",
        "1950s",
        "Vianden",
    ),
    (
        "fr",
        "Maquette du pont Adolphe",
        "Maquette en bois du pont réalisée pour une exposition.",
        "Maquette",
        "bridge",
        "1903",
        "Luxembourg",
    ),
    (
        "de",
        "Werkzeugkiste eines Schlossers",
        "Holzkiste mit Werkzeugen eines Schlossers des Hüttenwerks.",
        "Werkzeug",
        None,
        "um 1925",
        "Esch-sur-Alzette",
    ),
]


def objects() -> None:
    for n, (lang, title, desc, kind, image, date, place) in enumerate(OBJECTS, 1):
        add(
            f"demo:ob{n:03d}",
            {lang: title},
            {lang: desc} if n % 3 else desc,
            type_={lang: kind},
            date=date,
            place=[PLACES[place][lang] if lang != "en" else place],
            image=image,
            provider=INDUSTRIE if kind in ("Outil", "Werkzeug", "Tool", "Token") else MUSEE,
            edm_type="3D",
            rights=CC0,
        )


# -- the same items described twice (two providers digitised them): near-duplicates --------------------
def duplicates() -> None:
    add(
        "demo:dup1",
        {"fr": "Le château de Vianden vu de la vallée de l'Our"},
        {
            "fr": "Huile sur toile. Le château domine la ville et la vallée de l'Our ; au premier plan, le pont et "
            "les toits de la vieille ville."
        },
        type_={"fr": "Peinture (reproduction)"},
        date="1928",
        creator=["Kieffer, Anne"],
        place=["Vianden"],
        provider=ARCHIVES,
        image="castle",
        rights=INC,
    )
    add(
        "demo:dup2",
        {"de": "Springprozession in Echternach am Pfingstdienstag"},
        {
            "de": "Pilger und Musikanten ziehen am Pfingstdienstag in Reihen tanzend durch die Straßen von "
            "Echternach zur Basilika. Abzug vom Originalnegativ."
        },
        type_={"de": "Fotografie"},
        date="1927",
        creator=["Schmit, Marie"],
        place=["Echternach"],
        provider=ARCHIVES,
        image="procession",
        rights=CCBY,
    )
    add(
        "demo:dup3",
        {"en": "Miners' carbide lamp (second example)"},
        {
            "en": "A brass carbide lamp of the kind iron-ore miners carried underground in the Minett. Water "
            "dripping onto calcium carbide produced acetylene gas."
        },
        type_={"en": "Tool"},
        date="early 20th century",
        place=["Rumelange"],
        image="lamp",
        provider=MUSEE,
        edm_type="3D",
    )


def manifests() -> None:
    """Small IIIF Presentation 3 manifests for three objects, pointing at the local images."""
    out = HERE / "iiif"
    out.mkdir(exist_ok=True)
    for rid, image, label, summary in (
        (
            "demo-h01",
            "castle",
            {"fr": ["Le château de Vianden vu depuis la vallée de l'Our"]},
            {"fr": ["Huile sur toile, Anne Kieffer, 1928."]},
        ),
        (
            "demo-h04",
            "lamp",
            {"en": ["Miners' carbide lamp"], "lb": ["Karbidluucht vun engem Minettsaarbechter"]},
            {"en": ["Brass carbide lamp, early 20th century."]},
        ),
        (
            "demo-h16",
            "portrait",
            {"en": ["Portrait of a woman wearing a bonnet"], "lb": ["Broschtbild vun enger Fra mat Kapp"]},
            {"lb": ["Bläistëftzeechnung op Pabeier."]},
        ),
    ):
        base = f"https://demo.moien.lu/iiif/{rid}"
        manifest = {
            "@context": "http://iiif.io/api/presentation/3/context.json",
            "id": f"{base}/manifest.json",
            "type": "Manifest",
            "label": label,
            "summary": summary,
            "rights": "http://creativecommons.org/publicdomain/zero/1.0/",
            "requiredStatement": {"label": {"en": ["Attribution"]}, "value": {"en": [MUSEE]}},
            "items": [
                {
                    "id": f"{base}/canvas/1",
                    "type": "Canvas",
                    "height": 300,
                    "width": 400,
                    "items": [
                        {
                            "id": f"{base}/page/1",
                            "type": "AnnotationPage",
                            "items": [
                                {
                                    "id": f"{base}/annotation/1",
                                    "type": "Annotation",
                                    "motivation": "painting",
                                    "target": f"{base}/canvas/1",
                                    "body": {
                                        "id": f"../images/{image}.png",
                                        "type": "Image",
                                        "format": "image/png",
                                        "height": 300,
                                        "width": 400,
                                    },
                                }
                            ],
                        }
                    ],
                }
            ],
        }
        (out / f"{rid}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    rng = random.Random(1867)  # the year of the Treaty of London; any fixed seed gives the same collection
    items.clear()
    highlights()
    postcards(rng)
    photographs(rng)
    newspapers(rng)
    posters()
    objects()
    duplicates()
    manifests()
    data = {"collection": "moien demo collection (fictional objects, real places)", "records": items}
    (HERE / "collection.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(items)} records written to {HERE / 'collection.json'}")


def embeddings() -> None:
    """Load the demo into a scratch home and save its e5 vectors as ``embeddings.npz``."""
    import tempfile

    from moien.heritage.demo import load_demo, write_embeddings
    from moien.heritage.store import RecordStore

    with tempfile.TemporaryDirectory() as tmp:
        store = RecordStore.open(Path(tmp))
        load_demo(store, Path(tmp))
        print(f"{write_embeddings(store)} vectors written")
        store.close()


if __name__ == "__main__":
    import sys

    main()
    if "--embeddings" in sys.argv:
        embeddings()
