"""the server judges offline captures: each till's last contact and what it was told,
refused captures, one payment per code and shop, prunable blocklist entries

Revision ID: 7d1e0f5a9c21
Revises: 65e86aeada21
Create Date: 2026-12-02 19:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '7d1e0f5a9c21'
down_revision: Union[str, Sequence[str], None] = '65e86aeada21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'refused_captures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('redemption_id', sa.String(length=64), nullable=False),
        sa.Column('request_digest', sa.String(length=64), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.String(length=32), nullable=True),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('resolution', sa.String(length=200), nullable=False),
        sa.Column('resolved_by', sa.String(length=100), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_refused_captures_status_known')),
        sa.ForeignKeyConstraint(['device_id'], ['pos_devices.id'], name=op.f('fk_refused_captures_device_id_pos_devices')),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_refused_captures_shop_id_shops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refused_captures')),
        sa.UniqueConstraint('redemption_id', name=op.f('uq_refused_captures_redemption_id')),
    )
    with op.batch_alter_table('refused_captures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refused_captures_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refused_captures_shop_id'), ['shop_id'], unique=False)

    with op.batch_alter_table('pos_devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('contact_max_amount_cents', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('contact_max_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('contact_max_total_cents', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('contact_max_hours', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('blocklist_cursor', sa.BigInteger(), nullable=False, server_default='0'))
    # Tills paired before this revision: their last sync (or pairing) and today's limits are
    # the best record of what they were told.
    op.execute(
        "UPDATE pos_devices SET contact_at = COALESCE(last_sync_at, created_at),"
        " contact_max_amount_cents = offline_max_amount_cents,"
        " contact_max_count = offline_max_count,"
        " contact_max_total_cents = offline_max_total_cents,"
        " contact_max_hours = offline_max_hours"
    )

    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_redemptions_shop_token', ['shop_id', 'token_id'])

    with op.batch_alter_table('blocklist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pruned_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE blocklist SET expires_at = (SELECT issued_tokens.expires_at FROM issued_tokens"
        " WHERE issued_tokens.token_id = blocklist.token_id) WHERE token_id IS NOT NULL"
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('blocklist', schema=None) as batch_op:
        batch_op.drop_column('pruned_at')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_redemptions_shop_token', type_='unique')

    with op.batch_alter_table('pos_devices', schema=None) as batch_op:
        batch_op.drop_column('blocklist_cursor')
        batch_op.drop_column('contact_max_hours')
        batch_op.drop_column('contact_max_total_cents')
        batch_op.drop_column('contact_max_count')
        batch_op.drop_column('contact_max_amount_cents')
        batch_op.drop_column('contact_at')

    with op.batch_alter_table('refused_captures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refused_captures_shop_id'))
        batch_op.drop_index(batch_op.f('ix_refused_captures_device_id'))

    op.drop_table('refused_captures')
