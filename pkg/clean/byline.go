package clean

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// bylineRoles are the role words of a byline, longest first so that
// 本报记者 is read before 记者.
var bylineRoles = []string{"本报记者", "特约记者", "见习记者", "摄影记者", "实习记者", "首席记者", "记者",
	"特约通讯员", "通讯员", "实习生", "文/图", "图/文", "摄影"}

// parseByline reads the inside of a byline bracket, "记者王利通讯员郭如亮刘丽叶"
// or "张飞记者良保实习生夏娅", into "记者 王利 通讯员 郭如亮 刘丽叶": role
// words kept, names split at spaces, 、 and role words, and runs of names
// printed without separators split where surnames start (see splitNames).
// Without a role word every name must start with a surname, so that a
// bracket of other words is not taken for authors. ok is false when s is
// not a byline.
func parseByline(s string) (string, bool) {
	// "通讯员 王金虎报道", "记者 张三摄": the verb is not part of the name.
	s = strings.TrimSpace(s)
	for _, verb := range []string{"报道", "报导", "摄"} {
		s = strings.TrimSuffix(s, verb)
	}
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 || len(r) > 40 {
		return "", false
	}
	var out []string
	roles, names := 0, 0
	var run []rune
	flush := func() bool {
		defer func() { run = run[:0] }()
		if len(run) == 0 {
			return true
		}
		afterRole := len(out) > 0 && isRole(out[len(out)-1])
		// An outlet's name before the role (海峡都市报记者 吴臻) is kept as
		// printed; a run mixing one with names is not split.
		if wholeOutlet(string(run)) {
			out = append(out, string(run))
			return true
		}
		if outletWord.MatchString(string(run)) {
			return false
		}
		ns := splitNames(run)
		if ns == nil {
			return false
		}
		for _, n := range ns {
			if utf8.RuneCountInString(n) < 2 && !afterRole {
				return false // a single character is a name only after a role (记者 王)
			}
		}
		out = append(out, ns...)
		names += len(ns)
		return true
	}
	for i := 0; i < len(r); {
		if role := roleOpening(r[i:]); role != "" {
			if !flush() {
				return "", false
			}
			out = append(out, role)
			roles++
			i += utf8.RuneCountInString(role)
			continue
		}
		// "苏日娜/文 李明/图": the role printed after the name.
		if r[i] == '/' && i+1 < len(r) && strings.ContainsRune("文图摄", r[i+1]) && (i+2 == len(r) || !isHan(r[i+2])) {
			if !flush() {
				return "", false
			}
			out = append(out, string(r[i+1]))
			roles++
			i += 2
			continue
		}
		switch c := r[i]; {
		case unicode.IsSpace(c) || c == '、' || c == '，' || c == ',' || c == '/' || c == ':' || c == '：':
			if !flush() {
				return "", false
			}
		case isHan(c) || c == '·':
			run = append(run, c)
		default:
			return "", false
		}
		i++
	}
	if !flush() || names == 0 {
		return "", false
	}
	if roles == 0 {
		if strings.ContainsAny(string(r), institutionChars) {
			return "", false // (国家统计局): an institution, not authors
		}
		for _, n := range out {
			if !startsWithSurname([]rune(n)) {
				return "", false
			}
		}
	}
	return strings.Join(out, " "), true
}

// institutionChars end the names of bodies (公安局, 交警支队, 卫生厅), which
// brackets after a dateline hold more often than authors without a role.
const institutionChars = "局厅部委院所队办处站司府会社"

func roleOpening(r []rune) string {
	for _, w := range bylineRoles {
		if hasPrefixRunes(r, []rune(w)) {
			return w
		}
	}
	return ""
}

func isRole(s string) bool {
	if s == "文" || s == "图" || s == "摄" {
		return true
	}
	for _, w := range bylineRoles {
		if s == w {
			return true
		}
	}
	return false
}

// splitNames splits a run of Han names printed without separators
// ("郭如亮刘丽叶", "应洁曾嫣艳") into names of two or three characters (four
// with a two-character surname), choosing the split whose names most often
// start with a surname, then the one with fewer names. A run of one to three
// characters, or one holding "·" (a transliterated name), is one name. nil
// when no split fits.
func splitNames(run []rune) []string {
	n := len(run)
	if n <= 3 || strings.ContainsRune(string(run), '·') {
		return []string{string(run)}
	}
	if n > 16 {
		return nil
	}
	// best[i]: best score and cut for run[i:].
	type choice struct {
		score, parts, next int
		ok                 bool
	}
	best := make([]choice, n+1)
	best[n] = choice{ok: true}
	for i := n - 1; i >= 0; i-- {
		for l := 2; l <= 4 && i+l <= n; l++ {
			if l == 4 && !compoundSurname(run[i:]) {
				continue
			}
			rest := best[i+l]
			if !rest.ok {
				continue
			}
			score := rest.score - 2 + surnameWeight(run[i:])
			c := choice{score: score, parts: rest.parts + 1, next: i + l, ok: true}
			if !best[i].ok || c.score > best[i].score || c.score == best[i].score && c.parts < best[i].parts {
				best[i] = c
			}
		}
	}
	if !best[0].ok {
		return nil
	}
	var out []string
	for i := 0; i < n; i = best[i].next {
		out = append(out, string(run[i:best[i].next]))
	}
	return out
}

// outletWord: a run holding one is an outlet's name, not a person's.
var outletWord = regexp.MustCompile(outletSuffix)

// surnameWeight scores how likely r starts with a surname: a common one
// (the first hundred of surnames, by frequency) more than a rarer one.
func surnameWeight(r []rune) int {
	if compoundSurname(r) {
		return 4
	}
	if len(r) == 0 {
		return 0
	}
	i := strings.IndexRune(surnames, r[0])
	switch {
	case i < 0:
		return 0
	case utf8.RuneCountInString(surnames[:i]) < 100:
		return 4
	}
	return 3
}

func startsWithSurname(r []rune) bool {
	return len(r) > 0 && (strings.ContainsRune(surnames, r[0]) || compoundSurname(r))
}

func compoundSurname(r []rune) bool {
	return len(r) >= 2 && strings.Contains(compoundSurnames, string(r[:2]))
}

// surnames are the common Chinese single-character surnames (the few
// hundred that cover nearly all of the population), most frequent first.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阎昝"

// compoundSurnames are the two-character surnames still in use.
const compoundSurnames = "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 端木 西门 独孤 南宫 万俟 闻人 轩辕 呼延"
