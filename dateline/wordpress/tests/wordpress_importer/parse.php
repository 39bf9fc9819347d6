<?php
/**
 * Reads a WXR file with the WordPress Importer's own parsers (the three
 * files beside this one, from github.com/WordPress/wordpress-importer,
 * GPL-2.0-or-later: LICENSE) and prints what the chosen one read, as JSON.
 *
 *     php parse.php simplexml|xml|regex EXPORT.xml
 *
 * The parsers need only these three things of WordPress.
 */

class WP_Error {
	private $code;
	private $message;

	public function __construct( $code = '', $message = '', $data = '' ) {
		$this->code    = $code;
		$this->message = $message;
	}

	public function get_error_code() {
		return $this->code;
	}

	public function get_error_message() {
		return $this->message;
	}
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

function __( $text, $domain = 'default' ) {
	return $text;
}

require __DIR__ . '/class-wxr-parser-simplexml.php';
require __DIR__ . '/class-wxr-parser-xml.php';
require __DIR__ . '/class-wxr-parser-regex.php';

$parsers = array(
	'simplexml' => 'WXR_Parser_SimpleXML',
	'xml'       => 'WXR_Parser_XML',
	'regex'     => 'WXR_Parser_Regex',
);
if ( 3 !== $argc || ! isset( $parsers[ $argv[1] ] ) ) {
	fwrite( STDERR, "usage: php parse.php simplexml|xml|regex EXPORT.xml\n" );
	exit( 2 );
}
$parser = new $parsers[ $argv[1] ]();
$result = $parser->parse( $argv[2] );
if ( is_wp_error( $result ) ) {
	fwrite( STDERR, $result->get_error_code() . ': ' . $result->get_error_message() . "\n" );
	exit( 1 );
}
echo json_encode( $result, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE );
