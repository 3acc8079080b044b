<?php
/* The router of `php -S` for Debian's WordPress (tests/wordpress/local.py starts it).
 * Files of WordPress itself and uploads are served as they are; every other path goes to
 * index.php, as Apache's rewrite rules would send it (so /wp-json/... and pretty links work). */
$_SERVER['WORDPRESS_CONFIG'] = 'groupwork';
/* Every request, one line, for the tests that count what the mirror sent. */
file_put_contents(getenv('GW_WP_REQUEST_LOG'),
                  $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\n",
                  FILE_APPEND | LOCK_EX);
$root = '/usr/share/wordpress';
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if (str_contains($path, '..')) {
    http_response_code(400);
    return true;
}
if (str_starts_with($path, '/wp-content/')) {
    $file = getenv('GW_WP_CONTENT_DIR') . substr($path, strlen('/wp-content'));
    $file = realpath($file);
    if ($file === false || !is_file($file) || str_ends_with($file, '.php')) {
        http_response_code(404);
        return true;
    }
    $types = ['pdf' => 'application/pdf', 'css' => 'text/css', 'js' => 'text/javascript',
              'png' => 'image/png', 'jpg' => 'image/jpeg', 'svg' => 'image/svg+xml',
              'woff2' => 'font/woff2'];
    $ext = strtolower(pathinfo($file, PATHINFO_EXTENSION));
    header('Content-Type: ' . ($types[$ext] ?? 'application/octet-stream'));
    header('Content-Length: ' . filesize($file));
    readfile($file);
    return true;
}
$script = $root . $path;
if (is_dir($script) && is_file(rtrim($script, '/') . '/index.php')) {
    $script = rtrim($script, '/') . '/index.php';
    $path = rtrim($path, '/') . '/index.php';
}
if (is_file($script) && !str_ends_with($script, '.php')) {
    return false;  // a static file of WordPress: php -S serves it from its document root
}
if (!is_file($script)) {
    $script = $root . '/index.php';
    $path = '/index.php';
}
$_SERVER['SCRIPT_NAME'] = $path;
$_SERVER['PHP_SELF'] = $path;
$_SERVER['SCRIPT_FILENAME'] = $script;
chdir(dirname($script));
require $script;
