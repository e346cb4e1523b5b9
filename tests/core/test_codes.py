"""Unified social credit codes: the check character and the Chinese reason a code is refused."""

from gongkai.core.codes import credit_code_check, credit_code_problem, normalise_code, valid_credit_code


def test_a_known_code_is_valid_as_typed():
    assert valid_credit_code("91350100M000100Y43")
    assert valid_credit_code(" 91350100-M000100Y43 ".lower())
    assert normalise_code("9135 0100-m000100y43") == "91350100M000100Y43"


def test_check_character_is_computed_not_guessed():
    first17 = "11330100MB0000001"
    code = first17 + credit_code_check(first17)
    assert valid_credit_code(code)
    wrong = first17 + ("0" if code[-1] != "0" else "1")
    assert not valid_credit_code(wrong)
    assert "校验位不正确" in credit_code_problem(wrong) and code[-1] in credit_code_problem(wrong)


def test_problems_name_what_is_wrong():
    assert credit_code_problem("91350100M000100Y43") is None
    assert credit_code_problem("") == "不能为空"
    assert "应为 18 位，现为 9 位" in credit_code_problem("12345678-9")
    assert "不允许的字符 O" in credit_code_problem("91350100MO00100Y43")
