"""The ICP of DESIGN.md's API shapes (POST /api/v1/icps): the REST API's documented
example, and the ICP the scoring tests and bench_scoring work with. Read-only:
copy it before changing it."""

DESIGN_ICP: dict = {
    "name": "Mid-market security buyers",
    "kind": "b2b",
    "criteria": [
        {"field": "industry", "values": ["Technology", "Financial Services"], "weight": 40},
        {"field": "employees", "min": 500, "max": 2000, "weight": 30},
        {"field": "geography", "values": ["North America", "Europe"], "weight": 20},
        {"field": "tech_stack", "values": ["AWS"], "weight": 10},
    ],
    "disqualifiers": [{"field": "industry", "values": ["Government"]}],
}
