from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "显示某用户当前的动态口令（仅用于演示环境，生产模式禁用）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        from django.conf import settings

        if settings.PRODUCTION:
            raise CommandError("生产模式下不提供此命令", returncode=2)
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"用户 {username} 没有启用动态口令", returncode=2)
        self.stdout.write(f"{totp(device.bin_key):06d}")
