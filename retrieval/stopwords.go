package retrieval

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// enStop: English function words (Snowball's list, trimmed of words that carry
// meaning in support questions such as "not", "no", "off", "down").
var enStop = set("a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
	"be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
	"doing", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
	"herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
	"most", "my", "myself", "nor", "of", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out",
	"over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
	"themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very",
	"was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
	"your", "yours", "yourself", "yourselves", "s", "t", "d", "ll", "m", "re", "ve", "don", "doesn", "didn", "isn", "aren",
	"wasn", "weren", "hasn", "haven", "hadn", "won", "wouldn", "shouldn", "couldn", "can't", "also", "may", "might", "must",
	"shall", "us")

// ruStop: Russian function words (Snowball's list, trimmed of negations).
var ruStop = set("и", "в", "во", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она", "так", "его", "но",
	"да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее", "мне", "было", "вот", "от", "меня", "еще",
	"о", "из", "ему", "теперь", "когда", "даже", "ну", "вдруг", "ли", "если", "уже", "или", "быть", "был", "него",
	"до", "вас", "нибудь", "опять", "уж", "вам", "ведь", "там", "потом", "себя", "ничего", "ей", "может", "они", "тут",
	"где", "есть", "надо", "ней", "для", "мы", "тебя", "их", "чем", "была", "сам", "чтоб", "без", "будто", "чего",
	"раз", "тоже", "себе", "под", "будет", "ж", "тогда", "кто", "этот", "того", "потому", "этого", "какой", "совсем",
	"ним", "здесь", "этом", "почти", "мой", "тем", "чтобы", "нее", "сейчас", "были", "куда", "зачем", "всех",
	"никогда", "можно", "при", "наконец", "об", "другой", "хоть", "после", "над", "больше", "тот", "через",
	"эти", "нас", "про", "всего", "них", "какая", "много", "разве", "эту", "моя", "впрочем", "хорошо", "свою",
	"этой", "перед", "иногда", "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда", "конечно", "всю",
	"между", "это", "какие", "каким", "какое", "каков", "сколько", "ли")

// zhStop: Chinese function characters dropped as unigrams (bigrams containing
// them are kept, so "的话" or "是否" still match).
var zhStop = map[rune]bool{'的': true, '了': true, '是': true, '在': true, '和': true, '与': true, '吗': true,
	'呢': true, '吧': true, '啊': true, '也': true, '就': true, '都': true, '而': true, '及': true, '或': true,
	'着': true, '之': true, '于': true, '把': true, '被': true, '让': true, '我': true, '你': true, '他': true,
	'她': true, '它': true, '们': true, '这': true, '那': true, '有': true, '个': true, '么': true, '什': true}
