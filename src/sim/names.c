/* names.c - name lists for the simulator, written for edbridge.
 * Common names of each language community, transliterated to ASCII. */
#include "sim/names.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct name_list {
	const char *const *items;
	size_t n;
};

/* clang-format off */
#define LIST(a) { a, COUNT(a) }
/* clang-format on */

static const char *const en_f[] = {
	"Olivia",   "Emma",   "Ava",	 "Sophia",   "Isabella",  "Mia",     "Charlotte", "Amelia",
	"Harper",   "Evelyn", "Abigail", "Emily",    "Elizabeth", "Sofia",   "Avery",	  "Ella",
	"Scarlett", "Grace",  "Chloe",	 "Victoria", "Riley",	  "Aria",    "Lily",	  "Zoey",
	"Hannah",   "Nora",   "Layla",	 "Brooklyn", "Aaliyah",	  "Madison", "Jasmine",	  "Imani",
	"Kennedy",  "Taylor", "Morgan",	 "Sarah",    "Jennifer",  "Linda",   "Patricia",  "Karen",
};
static const char *const en_m[] = {
	"Liam",	  "Noah",	 "Oliver",    "Elijah", "James",     "William", "Benjamin",
	"Lucas",  "Henry",	 "Alexander", "Mason",	"Michael",   "Ethan",	"Daniel",
	"Jacob",  "Logan",	 "Jackson",   "Levi",	"Sebastian", "Mateo",	"Jack",
	"Owen",	  "Theodore",	 "Aiden",     "Samuel", "Joseph",    "John",	"David",
	"Wyatt",  "Matthew",	 "Jayden",    "Malik",	"Darnell",   "Tyrone",	"Robert",
	"Thomas", "Christopher", "Andrew",    "Ryan",	"Nathan",
};
static const char *const en_last[] = {
	"Smith",    "Johnson",	"Williams",   "Brown",	   "Jones",	"Miller",     "Davis",
	"Wilson",   "Anderson", "Taylor",     "Thomas",	   "Moore",	"Jackson",    "Martin",
	"Thompson", "White",	"Harris",     "Clark",	   "Lewis",	"Robinson",   "Walker",
	"Young",    "Allen",	"King",	      "Wright",	   "Scott",	"Green",      "Baker",
	"Adams",    "Nelson",	"Hill",	      "Campbell",  "Mitchell",	"Roberts",    "Carter",
	"Phillips", "Evans",	"Turner",     "Parker",	   "Collins",	"Edwards",    "Stewart",
	"Morris",   "Murphy",	"Cook",	      "Rogers",	   "O'Brien",	"O'Connor",   "Bell",
	"Bailey",   "Cooper",	"Richardson", "Cox",	   "Howard",	"Ward",	      "Peterson",
	"Gray",	    "James",	"Watson",     "Brooks",	   "Kelly",	"Sanders",    "Price",
	"Bennett",  "Wood",	"Barnes",     "Ross",	   "Henderson", "Coleman",    "Jenkins",
	"Perry",    "Powell",	"Long",	      "Patterson", "Hughes",	"Washington", "Butler",
	"Simmons",  "Foster",	"Bryant",     "Alexander", "Russell",	"Griffin",    "Hayes",
	"Myers",    "Ford",	"Hamilton",   "Graham",	   "Sullivan",	"Wallace",    "Woods",
	"Cole",	    "West",	"Jordan",     "Owens",	   "Reynolds",	"Fisher",     "Ellis",
	"Harrison", "Gibson",	"McDonald",   "Marshall",
};
static const char *const es_f[] = {
	"Sofia",   "Valentina", "Camila",   "Isabella", "Lucia",     "Maria",  "Gabriela",
	"Daniela", "Mariana",	"Valeria",  "Ximena",	"Natalia",   "Andrea", "Fernanda",
	"Paula",   "Alejandra", "Carolina", "Adriana",	"Guadalupe", "Rosa",   "Elena",
	"Carmen",  "Ana",	"Luisa",    "Yesenia",	"Marisol",
};
static const char *const es_m[] = {
	"Santiago", "Mateo",	"Sebastian", "Diego",	"Nicolas", "Alejandro", "Samuel",
	"Daniel",   "Emiliano", "Leonardo",  "Gabriel", "Angel",   "Miguel",	"Jose",
	"Juan",	    "Carlos",	"Luis",	     "Jorge",	"Javier",  "Ricardo",	"Fernando",
	"Eduardo",  "Andres",	"Manuel",    "Rafael",	"Pablo",
};
static const char *const es_last[] = {
	"Garcia",  "Rodriguez", "Martinez",  "Hernandez",    "Lopez",	  "Gonzalez", "Perez",
	"Sanchez", "Ramirez",	"Torres",    "Flores",	     "Rivera",	  "Gomez",    "Diaz",
	"Reyes",   "Morales",	"Cruz",	     "Ortiz",	     "Gutierrez", "Chavez",   "Ramos",
	"Ruiz",	   "Alvarez",	"Mendoza",   "Castillo",     "Jimenez",	  "Vasquez",  "Moreno",
	"Romero",  "Herrera",	"Medina",    "Aguilar",	     "Vargas",	  "Castro",   "Fernandez",
	"Guzman",  "Munoz",	"Rojas",     "Garcia-Lopez", "Soto",	  "Delgado",  "Pena",
	"Rios",	   "Navarro",	"Dominguez", "Salazar",
};
static const char *const zh_f[] = {
	"Mei", "Xiu", "Ying", "Li",  "Hui", "Jing", "Yan",
	"Xin", "Lan", "Fang", "Wen", "Yu",  "Qing", "Ling",
};
static const char *const zh_m[] = {
	"Wei", "Jun",  "Hao",	"Jie",	"Ming", "Lei", "Tao",
	"Bo",  "Yong", "Qiang", "Hong", "Zhi",	"Kai", "Feng",
};
static const char *const zh_last[] = {
	"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu",
	"Zhou", "Xu", "Sun",   "Ma",  "Zhu",  "Hu",   "Guo",   "Lin",  "He",
};
static const char *const vi_f[] = {
	"Linh", "Lan", "Mai", "Ngoc", "Thao", "Trang", "Huong", "Anh", "Hoa", "Phuong", "Thu", "Vy",
};
static const char *const vi_m[] = {
	"Minh", "Duc",	 "Tuan", "Huy", "Khanh", "Long",
	"Nam",	"Quang", "Hung", "Bao", "Thanh", "Phuc",
};
static const char *const vi_last[] = {
	"Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan",  "Vu",
	"Dang",	  "Bui",  "Do", "Ho",	"Ngo",	 "Duong", "Ly",
};
static const char *const ar_f[] = {
	"Fatima", "Aisha", "Mariam", "Layla", "Noor",  "Zainab",
	"Huda",	  "Salma", "Yasmin", "Rania", "Amira", "Hana",
};
static const char *const ar_m[] = {
	"Mohammed", "Ahmed",   "Ali",	"Omar",	 "Youssef", "Khalid",
	"Hassan",   "Ibrahim", "Karim", "Tariq", "Samir",   "Adam",
};
static const char *const ar_last[] = {
	"Haddad", "Khalil", "Saleh",  "Hussein",  "Mansour", "Nasser", "Aziz",
	"Farouk", "Hamdan", "Abboud", "Al-Sayed", "Darwish", "Qasim",  "Rahman",
};
static const char *const ht_f[] = {
	"Nadege",    "Widelene", "Roseline", "Marie",  "Fabienne", "Guerline",
	"Stephanie", "Daphne",	 "Esther",   "Judith", "Mirlande", "Sabine",
};
static const char *const ht_m[] = {
	"Jean",	    "Pierre",	"Jacques", "Wilner", "Fritz",  "Ricardo",
	"Emmanuel", "Reginald", "Wilson",  "Junior", "Frantz", "Kervens",
};
static const char *const ht_last[] = {
	"Jean-Baptiste", "Pierre", "Joseph",  "Louis",	  "Charles",	 "Jean-Louis",
	"Baptiste",	 "Desir",  "Etienne", "Francois", "Saint-Fleur", "Cadet",
	"Celestin",	 "Dorvil", "Exantus", "Laguerre",
};
static const char *const pt_f[] = {
	"Ana",	  "Beatriz", "Larissa", "Juliana", "Fernanda", "Leticia",
	"Camila", "Raquel",  "Bruna",	"Luana",   "Tatiana",  "Gabriela",
};
static const char *const pt_m[] = {
	"Joao",	   "Pedro", "Lucas",  "Gabriel", "Rafael",  "Thiago",
	"Gustavo", "Bruno", "Felipe", "Matheus", "Rodrigo", "Vinicius",
};
static const char *const pt_last[] = {
	"Silva",    "Santos",	"Oliveira", "Souza",   "Costa", "Pereira", "Almeida",
	"Ferreira", "Carvalho", "Gomes",    "Ribeiro", "Rocha", "Barbosa", "Lima",
};
static const char *const ru_f[] = {
	"Anastasia", "Maria",	"Daria", "Sofia",    "Polina", "Ekaterina",
	"Olga",	     "Natalia", "Irina", "Svetlana", "Yulia",  "Alina",
};
static const char *const ru_m[] = {
	"Alexander", "Dmitri", "Maxim",	 "Ivan",  "Mikhail", "Artem",
	"Sergei",    "Nikita", "Andrei", "Pavel", "Viktor",  "Yuri",
};
static const char *const ru_last[] = {
	"Ivanov", "Smirnov", "Kuznetsov", "Popov",  "Sokolov", "Lebedev",
	"Kozlov", "Novikov", "Morozov",	  "Petrov", "Volkov",  "Fedorov",
};
static const char *const ko_f[] = {
	"Ji-woo", "Seo-yeon", "Min-ji", "Ha-eun",  "Soo-ah",
	"Yu-na",  "Ji-min",   "Eun-ji", "Hye-jin", "Da-eun",
};
static const char *const ko_m[] = {
	"Min-jun",  "Seo-jun",	"Do-yun",   "Ji-ho",   "Jun-woo",
	"Hyun-woo", "Sung-min", "Tae-yang", "Jae-won", "Dong-hyun",
};
static const char *const ko_last[] = {
	"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
};
static const char *const tl_f[] = {
	"Maria",   "Angel",  "Princess", "Kristine", "Jasmine", "Rowena",
	"Maricel", "Divina", "Liza",	 "Joy",	     "Gemma",	"Rhea",
};
static const char *const tl_m[] = {
	"Jose",	  "John Paul", "Mark",	"Christian", "Rommel", "Jericho",
	"Renato", "Arnel",     "Jomar", "Ramil",     "Efren",  "Noel",
};
static const char *const tl_last[] = {
	"Santos",    "Reyes",	   "Cruz",   "Bautista", "Ocampo", "Garcia",  "Mendoza",
	"Dela Cruz", "Villanueva", "Aquino", "Castillo", "Manalo", "Pascual", "Soriano",
};

struct lang_info {
	const char *tag;
	const char *country;
	double share; /* percent of families */
	struct name_list female, male, family;
};

/* Shares sum to 100: en 70, es 20, the rest 10. */
static const struct lang_info langs[SIM_LANG__COUNT] = {
	[SIM_LANG_EN] = { "en", "US", 70.0, LIST(en_f), LIST(en_m), LIST(en_last) },
	[SIM_LANG_ES] = { "es", "MX", 20.0, LIST(es_f), LIST(es_m), LIST(es_last) },
	[SIM_LANG_ZH] = { "zh", "CN", 2.0, LIST(zh_f), LIST(zh_m), LIST(zh_last) },
	[SIM_LANG_VI] = { "vi", "VN", 1.8, LIST(vi_f), LIST(vi_m), LIST(vi_last) },
	[SIM_LANG_AR] = { "ar", "SY", 1.5, LIST(ar_f), LIST(ar_m), LIST(ar_last) },
	[SIM_LANG_HT] = { "ht", "HT", 1.5, LIST(ht_f), LIST(ht_m), LIST(ht_last) },
	[SIM_LANG_PT] = { "pt", "BR", 1.0, LIST(pt_f), LIST(pt_m), LIST(pt_last) },
	[SIM_LANG_RU] = { "ru", "RU", 0.8, LIST(ru_f), LIST(ru_m), LIST(ru_last) },
	[SIM_LANG_KO] = { "ko", "KR", 0.7, LIST(ko_f), LIST(ko_m), LIST(ko_last) },
	[SIM_LANG_TL] = { "tl", "PH", 0.7, LIST(tl_f), LIST(tl_m), LIST(tl_last) },
};

static const char *const places[] = {
	"Maple Grove",	"Cedar Ridge",	"Riverside",   "Willow Creek",	"Oak Park",
	"Pine Hills",	"Lakeview",	"Sunset Park", "Brookside",	"Harbor Point",
	"Meadowbrook",	"Highland",	"Fairview",    "Coral Way",	"Palm Springs",
	"Bayshore",	"Kingsley",	"Lincoln",     "Roosevelt",	"Washington Heights",
	"Jefferson",	"Madison Park", "Franklin",    "Hamilton",	"Douglass",
	"Tubman",	"Chavez",	"Mandela",     "Carver",	"Banneker",
	"Hillcrest",	"Greenfield",	"Stonebridge", "Ashford",	"Briarwood",
	"Clearwater",	"Eastwood",	"Westgate",    "Northside",	"Southpoint",
	"Mangrove Bay", "Seminole",	"Everglades",  "Biscayne",	"Key Largo",
	"Redland",	"Homestead",	"Silver Lake", "Golden Glades", "Little River",
	"Arch Creek",	"Miramar",	"Pinecrest",   "Palmetto",	"Sweetwater",
	"Kendall",	"Tamiami",	"Flamingo",    "Heron Pond",	"Pelican Cove",
};

const char *sim_lang_tag(enum sim_lang lang)
{
	return (unsigned)lang < SIM_LANG__COUNT ? langs[lang].tag : "und";
}

const char *sim_lang_country(enum sim_lang lang)
{
	return (unsigned)lang < SIM_LANG__COUNT ? langs[lang].country : "US";
}

double sim_lang_share(enum sim_lang lang)
{
	return (unsigned)lang < SIM_LANG__COUNT ? langs[lang].share / 100.0 : 0.0;
}

enum sim_lang sim_lang_draw(struct rng *r)
{
	double u = rng_uniform(r) * 100.0;
	for (int i = 0; i < SIM_LANG__COUNT; i++) {
		if (u < langs[i].share)
			return (enum sim_lang)i;
		u -= langs[i].share;
	}
	return SIM_LANG_EN; /* rounding at the top end */
}

static const char *pick(struct rng *r, const struct name_list *l)
{
	return l->items[rng_below(r, l->n)];
}

const char *sim_name_given(struct rng *r, enum sim_lang lang, enum sim_sex sex)
{
	if ((unsigned)lang >= SIM_LANG__COUNT)
		lang = SIM_LANG_EN;
	return pick(r, sex == SIM_FEMALE ? &langs[lang].female : &langs[lang].male);
}

const char *sim_name_family(struct rng *r, enum sim_lang lang)
{
	if ((unsigned)lang >= SIM_LANG__COUNT)
		lang = SIM_LANG_EN;
	return pick(r, &langs[lang].family);
}

const char *sim_name_place(size_t index, size_t *round)
{
	*round = index / COUNT(places);
	return places[index % COUNT(places)];
}
