"""The form reader the round trip and the error-summary tests use: what a person can fill in
is what they can see."""

from .form_html import parse
from .test_form_round_trip import filled

HONEYPOT_FORM = """
<form method="post">
  <label for="m">内容</label><textarea id="m" name="message"></textarea>
  <div class="honeypot" hidden aria-hidden="true">
    <label for="h">ホームページ</label><input id="h" type="text" name="homepage" tabindex="-1">
    <span><select name="deep"><option value="">—</option><option value="x">x</option></select></span>
  </div>
  <input type="text" name="nickname" hidden value="">
  <input type="text" name="contact">
  <button type="submit">送る</button>
</form>
"""


def test_controls_out_of_sight_are_not_filled_in_but_are_sent_as_shown():
    form = parse(HONEYPOT_FORM).forms[0]
    assert form.editable() == ["message", "contact"]
    sent = filled(form)
    assert sent["homepage"] == [""]
    assert sent["deep"] == [""]
    assert sent["nickname"] == [""]
    assert sent["message"] != [""] and sent["contact"] != [""]
