<?php
// The portal as seen by the IdP (from the portal's own SP metadata).
$metadata['@@SP_ENTITY_ID@@'] = [
    'AssertionConsumerService' => [[
        'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
        'Location' => '@@SP_ACS@@',
    ]],
    'SingleLogoutService' => [[
        'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
        'Location' => '@@SP_SLS@@',
    ]],
    'certData' => '@@SP_CERT@@',
    'validate.authnrequest' => true,
    'validate.logout' => true,
    'saml20.sign.assertion' => true,
    'sign.logout' => true,
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
];
