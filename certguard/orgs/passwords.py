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
