"""The defaults are polite; tests may turn delays off, the defaults may not."""

from govreports import settings


def test_robots_txt_honoured_by_default():
    assert settings.ROBOTSTXT_OBEY is True


def test_at_most_two_requests_per_domain():
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 2


def test_many_domains_in_parallel():
    assert settings.CONCURRENT_REQUESTS >= 16


def test_autothrottle_on_with_a_delay():
    assert settings.AUTOTHROTTLE_ENABLED and settings.DOWNLOAD_DELAY >= 1


def test_user_agent_names_the_bot_and_a_contact():
    assert settings.USER_AGENT.startswith("govreports/") and settings.GOVREPORTS_CONTACT_URL in settings.USER_AGENT


def test_retries_back_off():
    assert settings.GOVREPORTS_RETRY_BACKOFF_BASE > 0 and settings.GOVREPORTS_RETRY_BACKOFF_FACTOR > 1


def test_only_local_files_skip_the_delay():
    assert list(settings.DOWNLOAD_SLOTS) == ["local-files"]
