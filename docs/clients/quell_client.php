<?php
// quell_client.php - ask quell serve before a send, from PHP 7.4 or later
// with the curl extension.  docs/http-api.md has every route.
//
//   QUELL=http://127.0.0.1:8025 [QUELL_TOKEN=...] php quell_client.php
//
// The same steps as quell_client.py, printing the same lines.

$base = getenv('QUELL') ?: 'http://127.0.0.1:8025';
$token = getenv('QUELL_TOKEN');

function call($method, $path, $body = null)
{
    global $base, $token;
    $ch = curl_init($base . $path);
    $headers = [];
    if ($token) {
        $headers[] = 'Authorization: Bearer ' . $token;
    }
    curl_setopt($ch, CURLOPT_CUSTOMREQUEST, $method);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_TIMEOUT, 10);
    if ($body !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($body));
    }
    curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
    $answer = curl_exec($ch);
    curl_close($ch);
    return json_decode($answer, true); // error answers are JSON too
}

function may_send($address)
{
    $r = call('GET', '/v1/entries/' . str_replace('%40', '@', rawurlencode($address)));
    return $r['verdict'] === 'allow' || $r['verdict'] === null;
}

call('POST', '/v1/entries', ['entry' => 'left@example.com', 'reason' => 'asked by phone']);
foreach (['left@example.com', 'stays@example.com'] as $a) {
    echo 'check ', $a, ' ', may_send($a) ? 'send' : 'skip', "\n";
}
$out = call('POST', '/v1/replies', ['address' => 'gone@example.com',
                                    'reply' => '550 5.1.1 user unknown']);
echo 'record ', $out['address'], ' ', $out['action'], ' ', $out['rule'], "\n";
$cursor = null;
$n = 0;
do {
    $page = call('GET', '/v1/entries?list=suppress&limit=1' . ($cursor ? '&cursor=' . $cursor : ''));
    foreach ($page['entries'] as $e) {
        echo 'list ', ++$n, ' ', $e['entry'], ' ', $e['source'], "\n";
    }
    $cursor = $page['next_cursor'];
} while ($cursor);
echo 'error ', call('GET', '/v1/entries/not-an-address')['error']['code'], "\n";
