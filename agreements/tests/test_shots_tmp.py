from agreements import demo
from core.refdata import LoadReport


def test_shots(transactional_db, registrator, browser_page, login_as):
    demo.seed(scale="small", password="x", report=LoadReport())
    page = browser_page
    login_as(page, registrator)
    page.goto(page.base_url + "/avtal/beslut/")
    page.screenshot(
        path="/tmp/agreements-board-top.png",
        clip={"x": 0, "y": 0, "width": 1280, "height": 1300},
        full_page=True,
    )
    page.screenshot(
        path="/tmp/agreements-board-mid.png",
        clip={"x": 0, "y": 1250, "width": 1280, "height": 1200},
        full_page=True,
    )
    for name, url in [
        ("detail", "/avtal/hos-avtal-2027/"),
        ("party", "/avtal/parter/dals-ed/"),
        ("form", "/avtal/beslut/nytt/?part=lerum"),
    ]:
        page.goto(page.base_url + url)
        page.screenshot(path=f"/tmp/agreements-{name}.png", full_page=True)
