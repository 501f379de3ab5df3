import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = {
    "大写字母": set(string.ascii_uppercase),
    "小写字母": set(string.ascii_lowercase),
    "数字": set(string.digits),
    "符号": set(string.punctuation),
}


class CharacterClassValidator:
    """等保 level 3: a password mixes at least three of upper, lower, digits and symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = [name for name, chars in CLASSES.items() if set(password) & chars]
        if len(present) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类，"
                f"当前只有{len(present)}类", code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要{self.min_length}个字符",
                                  code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password: str, user=None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("该密码过于常见，容易被猜中",
                                  code="password_too_common") from None

    def get_help_text(self) -> str:
        return "不能使用常见密码"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password: str, user=None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("密码与用户名或姓名过于相似",
                                  code="password_too_similar") from None

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名相似"


# --- security (issue 10): passwords an attacker tries first are refused ----------------------

# Words of the first guesses against Chinese government systems: default and vendor
# passwords, the platform's own name, and words every dictionary attack starts with.
GUESSED_WORDS = frozenset({
    "admin", "administrator", "root", "system", "sysadmin", "manager", "super", "superuser",
    "password", "passwd", "passw", "welcome", "guest", "login", "test", "user", "default",
    "changeme", "letmein", "iloveyou", "monkey", "dragon", "master", "secret", "qwerty",
    "huawei", "cisco", "hikvision", "dahua", "sangfor", "ruijie", "topsec", "nsfocus",
    "venus", "qianxin", "inspur", "lenovo", "oracle", "mysql", "redhat", "kylin", "uniontech",
    "tplink", "netgear", "juniper", "fortinet", "hillstone", "certguard", "cert", "gov",
    "china", "beijing", "shanxi", "taiyuan", "jincheng", "changzhi", "anquan", "yingji",
    "zhangsan", "lisi", "wangwu", "woaini", "abcd", "abcde", "aaaa",
})
_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t"})
# What a shifted key types, mapped back to the key (US layout, as on Chinese keyboards).
_UNSHIFT = str.maketrans(dict(zip("!@#$%^&*()_+{}|:\"<>?~", "1234567890-=[]\\;',./`",
                                  strict=True)))
_ROWS = ["`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"]
_COLUMNS = ["1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/"]
WALK = 4


def _walks() -> set[str]:
    runs: set[str] = set()
    lines = [*_ROWS, *_COLUMNS, "".join(_COLUMNS), "abcdefghijklmnopqrstuvwxyz"]
    for line in lines:
        for text in (line, line[::-1]):
            runs.update(text[i:i + WALK] for i in range(len(text) - WALK + 1))
    return runs


_WALK_RUNS = _walks()


def keyboard_walk(password: str) -> str:
    """The first run of WALK keys next to each other ("qwer", "1qaz", "4321"), or ''."""
    keys = password.lower().translate(_UNSHIFT)
    for i in range(len(keys) - WALK + 1):
        if keys[i:i + WALK] in _WALK_RUNS:
            return keys[i:i + WALK]
    return ""


def guessed_word(password: str, extra: tuple[str, ...] = ()) -> str:
    """A listed word (or one of ``extra``) inside the password, also written in leetspeak."""
    plain = password.lower()
    forms = {plain, plain.translate(_LEET), plain.replace("1", "i").translate(_LEET)}
    for word in sorted(GUESSED_WORDS | {w.lower() for w in extra if len(w) >= 3}, key=len,
                       reverse=True):
        if any(word in form for form in forms):
            return word
    return ""


def _pinyin(text: str) -> list[str]:
    """How a Chinese name is typed on a keyboard: full pinyin of its first two, three and all
    syllables, and the initials ("沁水县应急管理局" → qinshui, qinshuixian, …, qsxyjglj)."""
    if text.isascii():
        return []
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(text) if s.isascii() and s.isalpha()]
    if len(syllables) < 2:
        return []
    return ["".join(syllables[:2]), "".join(syllables[:3]), "".join(syllables),
            "".join(s[0] for s in syllables)]


def _context_words(user) -> tuple[str, ...]:
    """The user's names and their organisations' names and codes (a password must not be
    built from them)."""
    words = [getattr(user, name, "") or "" for name in ("username", "display_name", "email")]
    words += list(getattr(user, "_password_context", ()))
    if user is not None and getattr(user, "pk", None):
        for org in [m.organisation for m in user.memberships.select_related("organisation")]:
            words += [org.name, org.credit_code or "", org.issuer_code]
    words += [spelling for word in list(words) for spelling in _pinyin(word)]
    parts = []
    for word in words:
        parts.append(word)
        parts += [p for p in word.replace("@", " ").replace(".", " ").replace("-", " ").split()
                  if len(p) >= 3]
    return tuple(w for w in parts if w)


class GuessablePasswordValidator:
    """Refuses default and vendor passwords, keyboard walks, and passwords built from the
    user's own or their organisation's names."""

    def validate(self, password: str, user=None) -> None:
        walk = keyboard_walk(password)
        if walk:
            raise ValidationError(f"密码包含键盘上连续的按键“{walk}”，容易被猜中",
                                  code="password_keyboard_walk")
        context = _context_words(user) if user is not None else ()
        word = guessed_word(password, tuple(w for w in context if w.isascii()))
        if word:
            raise ValidationError(f"密码包含常见词、厂商默认口令或用户名、单位名称（“{word}”），"
                                  "容易被猜中", code="password_guessable")

    def get_help_text(self) -> str:
        return "不能包含键盘连续按键、常见词、厂商默认口令、用户名或单位名称"


class ZxcvbnValidator:
    """zxcvbn (Dropbox's estimator: dictionaries, names, dates, repeats, sequences, l33t)
    must rate the password at least ``min_score`` of 4, with the user's and organisation's
    names and the guessed words as its own dictionary."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        from zxcvbn import zxcvbn

        inputs = [*(_context_words(user) if user is not None else ()), *GUESSED_WORDS]
        score = zxcvbn(password[:100], user_inputs=inputs)["score"]
        if score < self.min_score:
            raise ValidationError(
                f"密码强度不足（评分{score}/4，至少需要{self.min_score}）：请避免常见单词、"
                "姓名、年份、重复或连续的字符，可使用较长的无规律组合",
                code="password_weak_score")

    def get_help_text(self) -> str:
        return "密码须足够难以猜测（zxcvbn 评分至少3/4）"
