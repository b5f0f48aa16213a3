"""The payment partners' API: their signed callbacks on payouts."""
