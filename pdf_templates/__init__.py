"""reportlab drawings of Doorstep's documents: badge card, calling card, visit report, planned-works notice letter.

Draws plain data objects and never touches the database (DESIGN §1, §6).
"""
