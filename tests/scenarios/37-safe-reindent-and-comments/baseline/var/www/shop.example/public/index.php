<?php
// Front controller of the shop application.
// (Test stand-in: PHP is not installed where the scenarios run, so Apache
// serves this file as-is; the marker identifies the site in responses.)
// marker: site=shop page=front-controller
require __DIR__ . '/../vendor/autoload.php';
(new Shop\Kernel(getenv('APP_ENV') ?: 'prod'))->handle($_SERVER['REQUEST_URI']);
