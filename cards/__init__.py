"""Jinnong debit cards: issuance, status, balances, SMS alerts, disbursements."""
