import GPIODShim
