<?php
/* Groupwork's local WordPress (`make wordpress` and the tests): Debian's wp-config.php loads
 * this file because router.php names it (WORDPRESS_CONFIG=groupwork). Everything that differs
 * between two such sites comes from the environment of the `php -S` that serves them
 * (tests/wordpress/local.py), so that a test's site and `make wordpress` never share a database.
 * Installed as /etc/wordpress/config-groupwork.php by local.py. */
define('DB_NAME', getenv('GW_WP_DB_NAME'));
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:' . getenv('GW_WP_DB_SOCKET'));
define('WP_HOME', getenv('GW_WP_URL'));
define('WP_SITEURL', getenv('GW_WP_URL'));
define('WP_CONTENT_DIR', getenv('GW_WP_CONTENT_DIR'));
define('WP_CONTENT_URL', getenv('GW_WP_URL') . '/wp-content');
/* Application Passwords over plain HTTP: only a local development site allows them. */
define('WP_ENVIRONMENT_TYPE', 'local');
/* No network here, and `php -S` should not call itself: no update checks, no cron requests. */
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', false);
define('WPLANG', 'sv_SE');
/* A local site's keys: nothing it holds is secret. */
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT',
          'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $name) {
    define($name, 'groupwork-local-' . $name . '-' . getenv('GW_WP_DB_NAME'));
}
