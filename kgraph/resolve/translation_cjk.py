"""Words the lists translate, in Chinese, Japanese and Korean names of bodies.

Chinese and Japanese write a company's name without spaces: its place and
brand as they sound, then words the lists translate. 珠海振戎公司 is ZHUHAI
ZHENRONG COMPANY LIMITED, 中国精密机械进出口总公司 CHINA NATIONAL PRECISION
MACHINERY IMPORT/EXPORT CORPORATION. Read a character a syllable, as a
person's name is ("zhu hai zhen rong gong si"), such a name shares no word
with the listed one. Korean does the same in Hangul: 조선광선은행 is KOREA
KWANGSON BANKING CORP, 고려항공 AIR KORYO.

:func:`cjk_parts` cuts a query into the words of :data:`_HAN_TABLE` and
:data:`_HANGUL_TABLE` (the longest first) and the runs between them, read as
they sound and written as the lists write them: Chinese places and brands
two syllables a word (珠海振戎: zhuhai zhenrong), katakana as one word
(マハン: mahan), Hangul by McCune-Reischauer, one word a run (광선: kwangson,
련봉: ryonbong). :func:`kgraph.resolve.translation.translated_readings` makes
readings of them, never for a person.

>>> cjk_parts("珠海振戎公司")
[[('zhuhai zhenrong', None)], [('company', '公司 as company'), ('corporation', '公司 as corporation')]]
>>> [part[0][0] for part in cjk_parts("조선광선은행")], [part[0][0] for part in cjk_parts("マハン航空")]
(['korea', 'kwangson', 'bank'], ['mahan', 'airlines'])
"""
from __future__ import annotations

import re

from anyascii import anyascii

from .readings import _H_FINALS, _hangul_syllable, likeliest_choices, query_words

__all__ = ["cjk_parts", "CJK_SCRIPT", "CJK_BESIDE_WORDS"]

#: Han characters (Chinese, Japanese kanji, traditional and simplified), kana and Hangul syllables
CJK_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

#: words of bodies' names that the lists translate, in Chinese (simplified and traditional) and Japanese:
#: "spellings: English words, most likely first", one line each. "-" is a word the lists leave out (深圳市:
#: SHENZHEN, the city).
_HAN_TABLE = """
有限公司: co ltd|company limited|limited
股份有限公司: co ltd|joint stock company
有限责任公司 有限責任公司: llc|co ltd|limited liability company
公司: company|corporation
总公司 總公司: corporation|general corporation
分公司: branch
集团 集團: group
株式会社: co ltd|corporation|kabushiki kaisha
有限会社: co ltd|limited
会社: company
进出口 進出口: import and export
进口 進口: import
出口: export
贸易 貿易: trading|trade
商贸 商貿: trading|trade
商务 商務: business|commerce
商事: trading|corporation
国际 國際 国際: international
科技: technology|technologies
技术 技術: technology|technologies
生物科技: biotechnology|biotech
电子 電子: electronics|electronic
航空公司: airlines|airline
航空: airlines|air|aviation
航天: aerospace|space
航运 航運: shipping
海运 海運: shipping|marine
船务 船務: shipping
船舶: ship|shipping
油运 油運: tanker|oil shipping
油轮 油輪: tanker
物流: logistics
供应链 供應鏈: supply chain
运输 運輸: transport|transportation
能源: energy
石油化工 石化: petrochemical
石油: petroleum|oil
化工: chemical|chemical industry
化学 化學: chemical
工业 工業: industry|industrial
重工业 重工業: heavy industries|heavy industry
实业 實業: industry|industrial
铝业 鋁業: aluminium industry|aluminum industry
磁业 磁業: magnetic industry
钢铁 鋼鐵: steel|iron and steel
矿业 礦業: mining
银行 銀行: bank
保险 保險: insurance
金融: financial|finance
投资 投資: investment
控股: holdings|holding
管理: management
发展 發展: development
精密: precision
机械 機械: machinery
设备 設備: equipment
制造 製造: manufacturing
医药 醫藥: pharmaceutical
材料: materials|material
新材料: new materials
电力 電力: power|electric power
通信: communication|communications
半导体 半導體: semiconductor
光电 光電: optoelectronics|optoelectronic
仪器 儀器: instruments|instrument
无人机 無人機: uav|drone
研究所: research institute|institute
研究院: research institute|academy
大学 大學: university
工程: engineering
中心: center|centre
服务 服務: services|service
代表处 代表處: representative office
中央: central
军事 軍事: military
委员会 委員會: commission|committee
中远 中遠: cosco
市 省: -
"""
#: countries and regions, read in English beside a word of the table above only: 中国 alone is no body
_HAN_PLACES_TABLE = """
中国 中國: china
香港: hong kong
澳门 澳門: macau|macao
台湾 台灣 臺灣: taiwan
俄罗斯 俄羅斯 ロシア: russia
伊朗: iran
朝鲜 朝鮮: korea|north korea
叙利亚 敘利亞: syria
委内瑞拉 委內瑞拉: venezuela
阿联酋 阿聯酋: uae|emirates
新加坡: singapore
缅甸 緬甸: burma|myanmar
"""
#: Korean words of bodies' names, in Hangul (North Korea's spellings, 로동 and 련합, and the South's)
_HANGUL_TABLE = """
은행: bank|banking
무역: trading|trade
회사: company|corporation
총회사: general corporation|corporation
총국: general bureau
항공: air|airlines|aviation
광업: mining
개발: development
발전: development
상업: commercial
신용: credit
보험: insurance
민족: national
통일: united|unification
합영: joint venture
련합 연합: association|union
기업: enterprise|company
공업: industry|industrial
해운: shipping|maritime
선박: ship|shipping
국제: international
기술: technology
정찰: reconnaissance
원자력: atomic energy
로동당 노동당: workers party
인민군: peoples army
중앙: central
군사: military
위원회: commission|committee
전략: strategic
로케트군 로켓군: rocket force|rocket forces
군수: munitions
공업부: industry department
공업성: industry ministry|ministry of industry
"""
_HANGUL_PLACES_TABLE = """
조선: korea|korean
북한: north korea
"""


def _table(text: str) -> dict[str, tuple[str, ...]]:
    """"spellings: English words" lines -> {spelling: English words}; "-" -> () (a word left out)."""
    return {spelling: tuple(e for e in english.strip().split("|") if e != "-")
            for line in text.strip().splitlines() for spellings, english in [line.split(":")]
            for spelling in spellings.split()}


_HAN, _HAN_BESIDE = _table(_HAN_TABLE), _table(_HAN_PLACES_TABLE)
_HANGUL, _HANGUL_BESIDE = _table(_HANGUL_TABLE), _table(_HANGUL_PLACES_TABLE)
#: the English words of the tables of countries: no reading is made for them alone
CJK_BESIDE_WORDS = frozenset(e for table in (_HAN_BESIDE, _HANGUL_BESIDE) for english in table.values()
                             for e in english)
_WORDS = {**_HANGUL_BESIDE, **_HANGUL, **_HAN_BESIDE, **_HAN}
_LONGEST = max(map(len, _WORDS))
_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
# katakana with a small ya, yu or yo is one syllable (シャ sha, キョ kyo): anyascii spells the two apart
_SMALL_Y = re.compile(r"(sh|ch|j)iy([aou])|([kgnhbpmr])iy([aou])")
# Korean consonants sound voiced inside a word, after a vowel or a voiced final (련봉: ryonbong, 대동: taedong)
_VOICED_FINALS = ("", "n", "m", "ng", "l")
_VOICING_INITIALS = (0, 3, 7)  # ㄱ ㄷ ㅂ: k t p, voiced g d b


def _pinyin(run: str) -> tuple[str, ...]:
    """A run of Han characters the table does not hold, as the lists write a Chinese place and brand: two
    syllables a word (珠海振戎: "zhuhai zhenrong"); an odd run's last word takes three, or its first."""
    syllables = [anyascii(ch).lower() for ch in run]
    if len(syllables) <= 3:
        return ("".join(syllables),)
    pairs = [syllables[i:i + 2] for i in range(0, len(syllables), 2)]
    if len(syllables) % 2 == 0:
        return (" ".join("".join(p) for p in pairs),)
    last_three = [*pairs[:-2], pairs[-2] + pairs[-1]]
    first_three = [syllables[:3]] + [syllables[i:i + 2] for i in range(3, len(syllables), 2)]
    return tuple(" ".join("".join(p) for p in words) for words in (last_three, first_three))


def _kana(run: str) -> tuple[str, ...]:
    """A run of kana as one word (マハン: "mahan")."""
    romaji = "".join(anyascii(ch).lower() for ch in run)
    return (_SMALL_Y.sub(lambda m: (m[1] or "") + (m[3] + "y" if m[3] else "") + (m[2] or m[4]), romaji),)


def _hangul(run: str) -> tuple[str, ...]:
    """A run of Hangul syllables as one word, McCune-Reischauer without its marks (광선: "kwangson"), its
    likeliest spellings first."""
    options, voiced = [], False
    for ch in run:
        choices = _hangul_syllable(ch, False)
        if voiced and (ord(ch) - 0xAC00) // 588 in _VOICING_INITIALS:
            choices = (choices[1], choices[0])  # the voiced letter (g, d, b) first
        options.append(choices)
        voiced = _H_FINALS[(ord(ch) - 0xAC00) % 28] in _VOICED_FINALS
    return tuple("".join(chosen) for chosen in likeliest_choices(options)[:3])


def _read_run(run: str) -> tuple[str, ...]:
    if _HANGUL_SYLLABLE.match(run):
        return _hangul(run)
    if _KANA.match(run):
        return _kana(run)
    return _pinyin(run)


def _script_of(ch: str) -> str:
    return "hangul" if _HANGUL_SYLLABLE.match(ch) else "kana" if _KANA.match(ch) else "han"


def cjk_parts(query: str) -> list[list[tuple[str, str | None]]]:
    """A query's parts: for each word of the tables its English words with a note ("公司 as company"), for
    each run between them its readings as it sounds (note None), for a word in Latin letters itself.

    >>> [part[0][0] for part in cjk_parts("中国精密机械进出口总公司")]
    ['china', 'precision', 'machinery', 'import and export', 'corporation']
    >>> [part[0][0] for part in cjk_parts("深圳市华为技术有限公司")]
    ['shenzhen', 'huawei', 'technology', 'co ltd']
    """
    parts: list[list[tuple[str, str | None]]] = []
    for word in query_words(query):
        i, run = 0, ""
        while i < len(word):
            for n in range(min(_LONGEST, len(word) - i), 0, -1):
                piece = word[i:i + n]
                english = _WORDS.get(piece)  # () is a word the lists leave out
                if english is not None:
                    break
            else:
                english, n = None, 1
            if english is None and CJK_SCRIPT.match(word[i]):
                if run and _script_of(run[-1]) != _script_of(word[i]):
                    parts.append([(text, None) for text in _read_run(run)])
                    run = ""
                run += word[i]
                i += 1
                continue
            if run:
                parts.append([(text, None) for text in _read_run(run)])
                run = ""
            if english is None:  # a letter or digit in another script: the word's rest as it is
                j = i
                while j < len(word) and not CJK_SCRIPT.match(word[j]):
                    j += 1
                parts.append([(word[i:j].lower(), None)])
                i = j
                continue
            if english:
                parts.append([(e, f"{piece} as {e}") for e in english])
            i += n
        if run:
            parts.append([(text, None) for text in _read_run(run)])
    return parts
