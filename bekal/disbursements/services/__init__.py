"""Writes of the disbursements app, by subject:

entitlements   instalments from the scheme, falling due, the survey, revoked cards
accounts       linking and changing a payout account (inquiry, name match, SMS code)
batches        prepare, approve (second officer), cancel, submit
attempts       sending an attempt, applying an outcome, polling, callbacks
"""
