from django.contrib import admin

from bekal.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "region", "email_confirmed_at", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["password", "last_login", "date_joined", "email_confirmed_at"]
    raw_id_fields = ["region"]
    exclude = ["user_permissions"]
