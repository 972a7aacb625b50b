"""The demo county (`manage.py loaddemo`) and a month played out on it (`manage.py play_month`).

It sits above every other app: it builds venues, staff, cases and rotas through their models
and services, and nothing imports it.
"""
