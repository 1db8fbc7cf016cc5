"""pairing codes: a shop manager's code pairs only within the shop's maximum of tills

Revision ID: 65e86aeada21
Revises: bab7da950cad
Create Date: 2026-12-02 18:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '65e86aeada21'
down_revision: Union[str, Sequence[str], None] = 'bab7da950cad'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # codes made before this revision were made without a maximum (15 minutes, all gone soon)
    with op.batch_alter_table('pairing_codes', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('within_till_limit', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('pairing_codes', schema=None) as batch_op:
        batch_op.drop_column('within_till_limit')
