// The simulated API accepts any key; a real page would get it from its own session.
document.getElementById('widget').apiKey = 'demo-key';
