// Package extract turns a clean article into typed facts: one number with its
// meaning (subject, indicator, value, unit, approximation, change, period,
// region, police unit, category, evidence), plus the places, police units and
// people the article names, its incident type, and whether it is
// public-security news at all.
//
// # How a fact is read
//
// The body is cut into sentences (。！？ and newlines; semicolons do not end a
// sentence, so "立案131起,同比下降68.05%;破案91起" shares its subject) and each
// sentence is segmented by gse once. Numbers are scanned from the characters,
// not the tokens, in half- or full-width digits and in Chinese numerals, with
// their qualifiers (rules/qualifiers.tsv: 近 约 超过 逾 至少 before, 多 余 after
// the number or its multiplier, 左右 以上 after the unit), multiplier (万, 亿,
// 千: 12.8万头 = 128000, 140余万元 = 1400000 元) and unit (rules/units.tsv).
//
// The unit's kind decides what a number can be. Years, dates, times,
// durations, ages, distances, ranks, magnitudes, ratios, road numbers and
// codes are never facts; nor are numbers in short quoted labels (“1234”组合拳),
// after 第 (ordinals), beside Latin letters (plates, models), next to
// mis-decoded bytes, emergency numbers (110) and long digit runs (phones). The
// quality report counts them as "not a statistic".
//
// A remaining count, amount, measure or percentage gets its indicator from
// rules/indicators.tsv, within its clause. The indicator is led by the verb
// of the sentence (共立刑事案件2.4万起 is 立案, 接报火灾310起 is 接报,
// 为群众挽回经济损失2300余万元 is 挽回, money recovered and never a loss); the
// vocabulary an analyst filters on is listed in indicators.tsv and in the
// warehouse's ANALYSTS.md. A one-character verb (立, 占) counts only numbers
// in its own unit (起, %).
//   - a strong word right after it wins (6人当场死亡, 1死7伤, 11受伤: the word
//     may supply the unit), unless a 、 stands between them: in
//     其中刑事拘留87人、逮捕41人 the 逮捕 is the next item's;
//   - else the nearest strong word before it (立案131起, 抓获犯罪嫌疑人23名),
//     which also governs the later items of a list (配备电警棍100支、电击枪27把)
//     but not a number behind a preposition or another verb;
//   - else a strong word further after it, a weak (generic) verb before, a
//     weak verb after;
//   - else, in a 其中 clause that names a part (其中酒驾1320起、醉驾406起),
//     or a short clause that names the next item of a list of clauses
//     (查处酒驾1560起，醉驾386起), the indicator of the figure before;
//   - else, for a percentage, the name of a rate written before it
//     (调解成功率达98.2%), unless it is a rate of change (增长率);
//   - else, for a number in digits with a noun it counts (1200多户牧民), the
//     indicator 数量. Chinese numerals need a strong word close by (一名男子 is
//     an article, not a count).
//
// A clause that says something did not happen (未发生一次死亡3人以上的事故)
// gives no count: its numbers are thresholds.
//
// The subject is the noun right after the unit (163个必巡点), else the words
// between the indicator and the number (抓获犯罪嫌疑人23名), else the noun
// phrase before (“盗抢骗”案件立案131起; case names keep their verbs:
// 盗窃非机动车案), else the subject of the fact before in the sentence
// (破案91起), else the indicator's default (死亡 -> 死亡人员). A rate given to
// coordinated subjects (A案和B案破案率达100%) makes one fact per subject, told
// apart by the n of article.FactID; a count of coordinated subjects is one sum.
//
// A percentage or count after a comparison (rules/changes.tsv: 同比, 环比,
// 较去年同期 ... 下降, 增长 ...) becomes the Change of the fact before it in the
// sentence (立案131起,同比下降68.05%), signed, with percentage points as unit
// "pp". A clause that is nothing but a basis (与上年相比，…) gives its basis
// to the changes after it. A change is a property of the figure it describes:
// with no fact before it, with another measure named in between, or with a
// figure of its own named in its clause (刑事警情同比下降9.2%, 破案率同比提高
// 5个百分点, …损失320万元，火灾起数下降18.2%), it makes a fact with its subject
// and indicator and no Value (nil; never the change), so no sum or latest
// rate mixes it with figures. The same change restated in the other form (同比减少12起，下降12.1%)
// joins the first: the relative form in Value and Unit, the absolute in
// CountValue and CountUnit. 分别 distributes a list of changes, in order,
// over the figures it names (起数和死亡人数同比分别下降5.1%和7.9%), over the
// coordinated subjects before it, which share their head noun (盗窃、抢劫警情
// -> 盗窃警情, 抢劫警情), or, when it names none, over the figures before it
// in the sentence (立案612起，破案455起，同比分别上升4.2%、7.7%). A list of
// figures after 分别 pairs with the subjects before it the same way
// (盗窃、诈骗案件分别立案120起、86起; 死亡、受伤人数分别为3人和5人, where the
// subject names the measure).
//
// Period: the nearest time expression before the number in its sentence, else
// earlier in its paragraph (今年1月至4月, 6月26日至27日, 昨天下午, 上半年,
// 截至目前, 自今年…以来). Start and End are resolved from the text and the
// article's date (periodAnchor; a month-day after it is last year's; 当日
// follows the last resolved day) and left empty when they cannot be, never
// guessed. Cumulative ranges run from January: 1至6月, 1—7月, 前8个月, 一季度,
// 前三季度, 上半年; 今年以来 and 今年 alone run to the article's date. A stock
// is counted at one day, Start = End: 截至去年底, 截至6月30日, 现有 (the
// article's date). A bare 去年 that is a comparison's basis (较去年同期,
// 比去年) dates nothing, nor does the day the news was given (11月8日，记者
// 从市公安局获悉) date the figures of other clauses.
//
// Region: the gazetteer's region in force at the number (该市 and 全市 resolve
// to the place named before); without a gazetteer, the source's region hint,
// unresolved. A statistic after 全国 in its sentence belongs to the country
// (Name 中国, Level "country", no Code), not to the dateline's or the
// source's place; one after 全市, 全省, 全区 ... that the places left
// unresolved, to the area of the police unit that reports it; a place named
// between the scope word and the number wins. Org: the police unit nearest the number in its sentence, or, when
// the sentence refers back to one (该局, 警方), the last one named before.
//
// # Roles: facts an analyst can sum
//
// After the facts are read, every fact gets a role (roles.go), so that the
// analyst's rule is one sentence: sum the facts whose role is total.
//   - context: background, read from the words before the number in its
//     sentence (每年, 历史上, 去年, 自1947年以来 …) or an event on another day
//     than the lead's (本月1日…发生8.2级地震，造成6人死亡 in a report of the
//     10th's aftershock) (background.go);
//   - per toll indicator (死亡, 受伤, 失踪, 被困, 中毒, 伤亡, 抓获 and the legal
//     steps 刑事拘留, 逮捕, 拘留, each kept apart), the largest figure of the
//     body is the total; the same figure again is a repeat; smaller figures
//     are its parts (PartOf names it: 其中9人伤势严重, a group or place later),
//     or superseded when the report says the toll rose (升至) or a clause
//     with 但 corrects an earlier figure; when the largest says it adds to
//     the ones before (另有, 另外…也), each is a total;
//   - 重伤, 轻伤, 轻微伤 are 受伤 with the degree kept in the subject: parts of
//     the injured when the report counts them, the injured otherwise;
//   - a title figure is a total only when the body states none of its
//     indicator, else a repeat;
//   - explicit zeros (zeros.go, rules/zeros.tsv) are facts of value 0: a
//     negation before a harm (无人员伤亡, 暂无人员伤亡报告, 所幸没有人员受伤 -> 死亡
//     and/or 受伤 0), 未发生 before a kind of case and zero phrases
//     (未发生较大以上火灾, 命案零发案 -> 发案 0). A zero beside a toll of its
//     indicator, or one the report hedges (估计有人员伤亡), is context;
//   - other facts are totals, but the same figure of the same thing again is
//     a repeat.
//
// Tolls are read in more forms than the indicator rules give (tolls.go):
// victims named by a noun (伤员105人), all of a counted group (车上7人…全部
// 遇难), poisonings across a verb (40名小学生疑似食物中毒, 6人出现疑似中毒症状,
// 129员工食物中毒), compact forms in Chinese numerals (三死两伤) and groups by sex
// (两男一女当场死亡). A number counting events under a measure of people
// (一起食物中毒事件) is context.
//
// The title is read for tolls too (title.go). A title fact's evidence says it
// is the title: Sentence is the title, SentenceStart, Start and End are 0, Text
// is the number as written, and its id is <article id>:t<start>-<end> with
// offsets in the title.
//
// # The event's place
//
// The article's region, and each toll's, is where the event happened
// (eventplace.go), not the place named most often: the lead (the first of the
// opening sentences that tells an event and names a place) decides, 在X, 于X,
// X境内, X发生 outranking other places in it, made finer by a division under it
// named later or by the gazetteer's main place when that lies inside it. A
// dateline's city, outlets (厦门网), roads (合（合肥）宁（南京）高速), origins
// (河南籍, 湖北人, 老家, 来自, 往X方向, X开往, A至B), speakers (在北京表示) and
// 北京时间 are no event place. A country (rules/countries.tsv) named in the
// title before the event it tells, or in the lead before any place in China,
// places the event abroad: status "foreign" with Country, never a code; a list
// of countries is "ambiguous". Without a place to decide, the region is
// "unknown". Background figures keep the place their sentence names.
//
// # Categories
//
// Category keys (rules/categories.tsv maps the words of the text to them):
//
//	theft-robbery-fraud    盗抢骗, 侵财, 两抢一盗 (the umbrella statistic)
//	theft                  盗窃, 扒窃
//	burglary               入室盗窃
//	vehicle-theft          盗窃非机动车, 盗窃机动车
//	theft-from-vehicle     盗窃车内财物, 拉车门
//	robbery                抢劫, 抢夺
//	fraud                  诈骗, 招摇撞骗
//	telecom-fraud          电信(网络)诈骗, 电诈
//	extortion              敲诈勒索
//	handling-stolen-goods  掩饰隐瞒犯罪所得
//	traffic-accident       交通事故, 车祸, 相撞, 追尾, 翻车, 坠崖
//	drunk-driving          酒驾, 醉驾
//	hit-and-run            肇事逃逸
//	fire                   火灾, 大火, 失火
//	explosion              爆炸
//	drugs                  毒品, 贩毒, 吸毒
//	homicide               杀人, 命案
//	assault                故意伤害, 殴打, 围殴
//	firearms               枪支, 枪击, 缉枪
//	terrorism              恐怖袭击, 暴恐
//	poisoning              投毒
//	food-poisoning         食物中毒
//	smuggling              走私
//	gang-crime             涉黑, 涉恶
//	prostitution           嫖娼, 卖淫
//	gambling               赌博
//	kidnapping             绑架
//	trafficking            拐卖
//	natural-disaster       地震, 洪水, 泥石流
//	detention              拘留所, 看守所, 公安监管
//
// A fact's category is the most specific one its subject names, else its
// clause; facts of incident measures (死亡, 受伤, 立案, 抓获 ... marked
// "incident" in indicators.tsv) fall back to the article's incident type, the
// category named most often (the title counts three times). Resources
// (电警棍100支) take no category from the article.
//
// # Public security
//
// An article is public-security news when the weights of police words
// (rules/police.tsv) plus one per category word reach publicSecurityThreshold.
// Reports of traffic accidents, fires, explosions, poisonings, disasters
// and attacks with a toll are public-security news too (scope.go): when a
// total fact counts people dead, hurt, missing, trapped, poisoned or caught,
// or says none were, and the article names an incident category or an
// emergency word (事故, 事件, 袭击, 灾, 中毒, 地震 …), it is in scope — what
// public-security and emergency bulletins count. For any other article
// Extract emits no facts at all (entities and the incident type are still
// given): a finance story's 同比增长29% never becomes a crime statistic.
//
// # Extending
//
// The rule tables under rules/ are embedded at build time; the segmenter's
// extra words are rules/dict.txt plus Options.DictFiles, read at start-up, so
// local place names and terms can be added without rebuilding. Report measures
// what the rules miss on any set of articles.
package extract
