"""Writes of the marketplace, one module per part of a training's life:

- catalogue: platforms, providers, courses and sessions; the office's approval.
- purchases: a card holder buys a course with the card's balance and gets a voucher.
- vouchers: the provider redeems a voucher; the platform reports its completion.
- refunds: a platform cancels a session; its buyers get the price back on the card.
- reviews: the participant rates a completed training.
"""
