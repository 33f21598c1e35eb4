"""Credit-code helpers: GB 11714 organisation-code check and GB 32100-2015 USCC check."""
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]


def _orgval(c):
    return int(c) if c.isdigit() else ord(c) - 55  # A=10 .. Z=35


def org_check(body8):
    s = sum(_orgval(c) * w for c, w in zip(body8, ORG_W))
    r = 11 - s % 11
    return "0" if r == 11 else "X" if r == 10 else str(r)


def uscc_check(first17):
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_W))
    return USCC_CHARS[(31 - s % 31) % 31]


def make_code(area6, body8):
    assert len(area6) == 6 and area6.isdigit() and len(body8) == 8
    assert all(c in USCC_CHARS for c in body8), body8
    first17 = "91" + area6 + body8 + org_check(body8)
    return first17 + uscc_check(first17)
