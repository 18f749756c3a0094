module.exports = {register() {}}
