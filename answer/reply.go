package answer

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/answerdesk/answerdesk/ingest/markup"
)

// latestMessage is the customer's own text of a message that came by email
// or was pasted from one: the lines before the first line that starts a
// quoted earlier message (a mail client's "On … wrote:", an Outlook header
// block, "-----Original Message-----") or a signature ("-- ", "Sent from
// my iPhone"), without the lines quoted with ">". A quoted reply of the
// support team is written in the knowledge base's words, so left in it
// pulls retrieval and every confidence feature towards the earlier topic.
// The conventions are the mail clients', in English, Russian and Chinese,
// in plain text or in an HTML body (read by its lines, markup.StripLines);
// a reply written below a quote is read below it; nothing is cut from a
// message of one line, and a message that would be left empty is returned
// whole. The ticket keeps the message as written.
func latestMessage(text string) string {
	if htmlBody.MatchString(text) {
		// An HTML body (a mail client's, sent as is): its lines are its
		// elements.
		text = strings.TrimSpace(markup.StripLines(text))
	}
	if !strings.Contains(text, "\n") {
		return text
	}
	lines := strings.Split(text, "\n")
	out, next := ownLines(lines)
	if out == "" && next > 0 && next < len(lines) {
		// Nothing above the first quote: a reply written below it
		// ("On … wrote:", the "> " lines, then the customer's text).
		out, _ = ownLines(lines[next:])
	}
	if out == "" {
		return text
	}
	return out
}

// ownLines is the customer's text of lines up to the first quote header or
// signature, quoted lines left out; next is the index of the first line
// after that header and the quoted lines under it (0 when there is none).
func ownLines(lines []string) (out string, next int) {
	kept := make([]string, 0, len(lines))
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if quoteHeader(t, lines[i+1:]) || signatureLine(t) {
			next = i + 1
			for next < len(lines) && (strings.HasPrefix(strings.TrimSpace(lines[next]), ">") || strings.TrimSpace(lines[next]) == "wrote:") {
				next++
			}
			break
		}
		if strings.HasPrefix(t, ">") {
			continue
		}
		kept = append(kept, line)
	}
	return strings.TrimSpace(strings.Join(trimCourtesy(kept), "\n")), next
}

// trimCourtesy drops, from a message of several lines, a first line that is
// only a salutation ("Hi,", "Dear support team,", "Здравствуйте!", "您好：")
// and a valediction line ("Best regards,", "Thanks, Anna", "С уважением,",
// "此致") with the short lines after it (a name, a job title, a company, a
// phone number), or else a last line that is only a name ("Tom", "Анна",
// "刘先生") under a sentence: letter conventions, not the question. What is
// left must hold a line, or nothing is dropped.
func trimCourtesy(lines []string) []string {
	var body []int // indexes of the non-empty lines
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			body = append(body, i)
		}
	}
	if len(body) < 2 {
		return lines
	}
	from, to := body[0], body[len(body)-1]+1
	if salutation.MatchString(strings.TrimSpace(lines[from])) {
		from = body[1]
	}
	cut := false
	for k := len(body) - 1; k >= 1 && k >= len(body)-1-maxSignatureLines; k-- {
		i := body[k]
		if !valediction.MatchString(strings.TrimSpace(lines[i])) {
			continue
		}
		short := true
		for _, j := range body[k+1:] {
			if utf8.RuneCountInString(strings.TrimSpace(lines[j])) > 40 {
				short = false
			}
		}
		if short && i > from {
			to, cut = i, true
		}
		break
	}
	if last := body[len(body)-1]; !cut && last > from && signedName.MatchString(strings.TrimSpace(lines[last])) {
		prev := strings.TrimSpace(lines[body[len(body)-2]])
		if r, _ := utf8.DecodeLastRuneInString(prev); strings.ContainsRune(".?!…。？！)", r) {
			to = last
		}
	}
	if from >= to {
		return lines
	}
	return lines[from:to]
}

// maxSignatureLines bounds the lines of a signature under a valediction
// (a name, a title, a company, a phone, an address, a site).
const maxSignatureLines = 6

var (
	// A salutation may name whom it greets in at most three words
	// ("Dear support team", "Здравствуйте, Анна"): more is a sentence.
	salutation = regexp.MustCompile(`(?i)^(hi|hello|hey|good (morning|afternoon|evening)|здравствуйте|добрый (день|вечер)|доброе утро|привет|` +
		`(hi|hello|hey|dear|good (morning|afternoon|evening)|уважаем(ая|ые|ый)|здравствуйте|добрый (день|вечер)|привет),?\s[^\s,.!?:;]+(\s[^\s,.!?:;]+){0,2}|` +
		`您好|你好|客服(您好|你好)|亲|尊敬的[^，。！？：；,.!?:;\s]{1,12})\s*[,.!:;，。！：]*$`)
	// A valediction, perhaps with the sender's name on its line ("Thanks,
	// Anna").
	valediction = regexp.MustCompile(`^(?i:thanks|thank you|thanks in advance|thanks so much|thank you so much|thanks a lot|many thanks|` +
		`best|best regards|kind regards|warm regards|regards|best wishes|all the best|cheers|sincerely|yours sincerely|yours faithfully|yours truly|br|` +
		`спасибо|спасибо большое|большое спасибо|заранее спасибо|спасибо заранее|с уважением|с наилучшими пожеланиями|всего доброго|всего хорошего|благодарю|` +
		`谢谢|谢谢您|非常感谢|此致|敬礼|祝好|顺祝商祺|麻烦了，?谢谢|麻烦了)` +
		`(\s*[,.!;，。！]*\s*[\p{Lu}\p{Han}][^\s,.!?;:，。！？]*(\s[\p{Lu}][^\s,.!?;:]*){0,2})?\s*[,.!;，。！]*$`)
	// A line that is only a name: one or two capitalised words, or two to
	// four Chinese characters.
	signedName = regexp.MustCompile(`^(\p{Lu}[\p{Ll}'’-]+(\s\p{Lu}[\p{Ll}'’.-]*)?|\p{Han}{2,4})$`)
)

var (
	// htmlBody is a tag that only an HTML body has: a line break, a
	// paragraph, a block, a quote.
	htmlBody = regexp.MustCompile(`(?i)<(br|p|div|blockquote|html|body|table)[\s/>]`)
	// An attribution line: "On Mon, 1 Dec 2026 at 10:00, Name <a@b.c>
	// wrote:", "пн, 1 дек. 2026 г. в 10:00, Name <a@b.c>:", "在 2026年12月1日
	// 10:00，Name <a@b.c> 写道：" — an address in angle brackets, the line
	// ending in a colon.
	attribution = regexp.MustCompile(`(<[^<>\s@]+@[^<>\s]+>.*|\s[^<>\s@]+@[^<>\s@]+\.[a-zA-Z]{2,}\s*(wrote|пишет|написал\(а\)|написала|написал|写道)?\s*)[:：]$`)
	// The same without an address, in the words clients write.
	attributionWords = regexp.MustCompile(`(?i)^(on\s.+\swrote|.+\s(пишет|написал|написала|написал\(а\))|在.+写道)\s*[:：]$`)
	// "-----Original Message-----" and its kin.
	separator = regexp.MustCompile(`(?i)^-{2,}\s*(original message|forwarded message|исходное сообщение|пересылаемое сообщение|пересланное сообщение|原始邮件|转发邮件|转发的邮件)\s*-{2,}$`)
	// The first line of a forwarded or replied-to header block, and the
	// lines that follow it in one.
	headerFrom  = regexp.MustCompile(`(?i)^(from|от|发件人)\s*[:：]\s*\S`)
	headerOther = regexp.MustCompile(`(?i)^(sent|date|to|subject|отправлено|дата|кому|тема|发送时间|日期|收件人|主题)\s*[:：]`)
	// A signature: the "-- " delimiter, and the lines mobile clients add.
	signature = regexp.MustCompile(`(?i)^(--|sent from my .+|sent from (mail|outlook|yahoo mail) for .+|get outlook for .+|` +
		`отправлено (с|из) .*(iphone|ipad|android|samsung|xiaomi|huawei|мобильн|телефон|почт|mail\.ru|яндекс|yandex).*|` +
		`发自我的.+|从我的.+发送)$`)
)

// quoteHeader reports whether line (trimmed) starts a quoted earlier
// message; rest are the lines after it.
func quoteHeader(line string, rest []string) bool {
	switch {
	case line == "":
		return false
	case attribution.MatchString(line), attributionWords.MatchString(line), separator.MatchString(line):
		return true
	case strings.Trim(line, "_") == "" && len(line) >= 10: // Outlook's rule line
		return true
	case strings.HasPrefix(strings.ToLower(line), "on ") && len(rest) > 0 && strings.EqualFold(strings.TrimSpace(rest[0]), "wrote:"):
		return true // an attribution wrapped before "wrote:"
	case headerFrom.MatchString(line):
		for _, r := range rest[:min(3, len(rest))] {
			if headerOther.MatchString(strings.TrimSpace(r)) {
				return true
			}
		}
	}
	return false
}

// signatureLine reports whether line (trimmed) starts a signature.
func signatureLine(line string) bool {
	return line != "" && signature.MatchString(line)
}
