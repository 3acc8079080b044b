<?php
/* Installs the local WordPress through its own functions and prints what Groupwork needs
 * to connect as JSON: an Author, her Application Password and a category.
 * Run by tests/wordpress/local.py with php-cli, in the environment of the site's php -S. */
$_SERVER['WORDPRESS_CONFIG'] = 'groupwork';
$_SERVER['HTTP_HOST'] = parse_url(getenv('GW_WP_URL'), PHP_URL_HOST);
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (!is_blog_installed()) {
    wp_install('Öppna soc (lokal)', 'admin', 'admin@example.invalid', false, '',
               wp_generate_password(24), 'sv_SE');
    update_option('default_comment_status', 'closed');
    update_option('blogdescription', 'En lokal WordPress för Groupwork');
    foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any',
                        'numberposts' => -1]) as $sample) {
        wp_delete_post($sample->ID, true);
    }
}
/* Pretty links, as on Öppna soc: /wp-json/… and /<slug>/ (router.php sends them to index.php). */
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false);

$login = 'groupwork';
$user = get_user_by('login', $login);
if (!$user) {
    $id = wp_insert_user(['user_login' => $login, 'user_pass' => wp_generate_password(24),
                          'user_email' => 'groupwork@example.invalid', 'role' => 'author',
                          'display_name' => 'Groupwork', 'first_name' => 'Groupwork']);
    $user = get_user_by('id', $id);
}
$term = term_exists('Minnesanteckningar', 'category');
if (!$term) {
    $term = wp_insert_term('Minnesanteckningar', 'category');
}
WP_Application_Passwords::delete_all_application_passwords($user->ID);
[$password, $item] = WP_Application_Passwords::create_new_application_password(
    $user->ID, ['name' => 'Groupwork']);
echo json_encode(['user' => $login, 'password' => $password,
                  'category_id' => (int) $term['term_id']]), "\n";
