"""Casework pages: referrals from intake to end, their plans, the Mosaic import."""
