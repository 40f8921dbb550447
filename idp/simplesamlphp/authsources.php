<?php
// One username/password source; each user carries the attributes Inera's IdP sends.
$config = [
    'admin' => ['core:AdminPassword'],
    'sambi-userpass' => array_merge(['exampleauth:UserPass'], @@USERS@@),
];
