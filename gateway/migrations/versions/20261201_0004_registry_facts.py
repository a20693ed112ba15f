"""Registry facts the eligibility rules need: tehsil, janpad and kind of local body, ration card type, land
held, income-tax payers and government employees or pensioners.

Revision ID: 0004_registry_facts
Revises: 0003_applications
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_registry_facts"
down_revision: str | Sequence[str] | None = "0003_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows take the defaults: no ration card type, no land, nobody paying tax or in government.
    op.add_column("families", sa.Column("tehsil", sa.String(64), nullable=True))
    op.add_column("families", sa.Column("janpad", sa.String(200), nullable=True))
    op.add_column("families", sa.Column("local_body_kind", sa.String(16), nullable=True))
    op.add_column(
        "families", sa.Column("ration_card_type", sa.String(16), nullable=False, server_default="none")
    )
    op.add_column("families", sa.Column("land_hectares", sa.Float(), nullable=False, server_default="0"))
    op.add_column(
        "members", sa.Column("income_tax_payer", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "members", sa.Column("government_service", sa.String(16), nullable=False, server_default="none")
    )


def downgrade() -> None:
    with op.batch_alter_table("members") as members:
        members.drop_column("government_service")
        members.drop_column("income_tax_payer")
    with op.batch_alter_table("families") as families:
        for column in ("land_hectares", "ration_card_type", "local_body_kind", "janpad", "tehsil"):
            families.drop_column(column)
